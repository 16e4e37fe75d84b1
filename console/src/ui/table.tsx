import type { ComponentChildren } from 'preact';

// Table parts the console's figure tables share. On phones a row becomes a card and each cell shows its column's
// name from `data-label` (console.css).

/** Header cells of figure columns, right-aligned. */
export function NumHeads({ labels }: { labels: string[] }) {
	return (
		<>
			{labels.map((label) => (
				<th key={label} scope="col" class="num">
					{label}
				</th>
			))}
		</>
	);
}

/** A figure cell: its column's name for phones, `data-count` for tests. */
export function NumCell(props: { label: string; count: string; children: ComponentChildren }) {
	return (
		<td data-label={props.label} class="num" data-count={props.count}>
			{props.children}
		</td>
	);
}
