export interface WorkbooksPageProps {
  readonly params: URLSearchParams;
}

export default function WorkbooksPage(_props: WorkbooksPageProps) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Workbooks</h1>
      <p>This page is not built yet.</p>
    </section>
  );
}
