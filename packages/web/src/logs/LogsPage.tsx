export interface LogsPageProps {
  readonly params: URLSearchParams;
}

export default function LogsPage(_props: LogsPageProps) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Logs</h1>
      <p>This page is not built yet.</p>
    </section>
  );
}
