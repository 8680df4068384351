export interface MapPageProps {
  readonly params: URLSearchParams;
}

export default function MapPage(_props: MapPageProps) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Map</h1>
      <p>This page is not built yet.</p>
    </section>
  );
}
