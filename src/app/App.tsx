/** Placeholder page until the explorer lands (issue 6): says what the project is and how to run it. */
export function App() {
  return (
    <main
      style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '3rem auto', lineHeight: 1.5 }}
    >
      <h1>Refinement Explorer</h1>
      <p>
        Test-time query-embedding refinement: a teacher scores a few retrieved documents, gradient descent
        moves the query embedding so that its ranking agrees, and the corpus is re-ranked.
      </p>
      <p>
        The engine and the headless experiment runner are ready: <code>npm run experiment -- --help</code>.
        The interactive explorer is being built.
      </p>
    </main>
  );
}
