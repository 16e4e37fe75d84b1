/** One button of a Tabs row. */
export interface Tab {
	key: string;
	label: string;
	/** The part it opens carries an error. */
	marked?: boolean;
}

/**
 * A row of toggle buttons of which one is pressed: the language or the step being edited. Each button carries
 * `data-<name>` = its key.
 */
export function Tabs(props: {
	tabs: Tab[];
	current: string;
	onPick: (key: string) => void;
	legend: string;
	name: string;
	testid: string;
}) {
	return (
		<fieldset class="segmented tabs" data-testid={props.testid}>
			<legend class="sr-only">{props.legend}</legend>
			{props.tabs.map((tab) => (
				<button
					key={tab.key}
					type="button"
					aria-pressed={tab.key === props.current}
					{...{ [`data-${props.name}`]: tab.key }}
					class={tab.marked ? 'has-error' : undefined}
					onClick={() => props.onPick(tab.key)}
				>
					{tab.label}
				</button>
			))}
		</fieldset>
	);
}
