/**
 * A text step: paragraphs, with lines starting `#` or `##` as headings. Rendered as React elements, never
 * as HTML, so whatever an imported workbook holds stays text.
 */
export function TextStep({ text }: { readonly text: string }) {
  const blocks = text.split(/\n{2,}|\n(?=#)|(?<=^#[^\n]*)\n/m).filter((b) => b.trim() !== "");
  return (
    <div className="workbook-step full workbook-text">
      {blocks.map((block, i) => {
        const heading = /^(#{1,3})\s+(.*)$/s.exec(block.trim());
        if (heading === null) return <p key={i}>{block}</p>;
        const level = heading[1]?.length ?? 1;
        const content = heading[2] ?? "";
        return level === 1 ? <h2 key={i}>{content}</h2> : <h3 key={i}>{content}</h3>;
      })}
    </div>
  );
}
