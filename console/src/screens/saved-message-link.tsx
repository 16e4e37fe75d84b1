import { sprintfNodes } from '../ui/format';
import { useT } from '../ui/parts';
import { resourceHref, resourceText } from './resource-words';

/** The saved message a send or campaign uses, as it recorded it. */
interface Used {
	resourceId: string;
	name: string | null;
	version: number | null;
}

/** "Spring sale v2", linked to the saved message. */
export function SavedMessageLink({ used }: { used: Used }) {
	const t = useT();
	return (
		<a href={resourceHref(used.resourceId)} dir="auto">
			{resourceText(t, used.name ?? used.resourceId, used.version)}
		</a>
	);
}

/** "Saved message: Spring sale v2" under a send's title. */
export function SavedMessageLine({ used }: { used: Used }) {
	const t = useT();
	return (
		<span class="muted small block" data-testid="saved-message-used">
			{sprintfNodes(t('Saved message: %s'), <SavedMessageLink used={used} />)}
		</span>
	);
}
