import { expect, test } from '@playwright/test';

test('a CSV of text,label opened from disk becomes a dataset', async ({ page }) => {
  const rows = ['text,label'];
  const topics = {
    weather: [
      'sunny skies today',
      'will it rain tomorrow',
      'heavy snow expected',
      'windy and cold outside',
      'the forecast says storms',
    ],
    cooking: [
      'how long to boil pasta',
      'recipe for tomato soup',
      'bake the bread at 200 degrees',
      'chop onions finely',
      'season the soup with salt',
    ],
    sports: [
      'the match ended in a draw',
      'she scored two goals',
      'the team won the league',
      'training starts at noon',
      'a new world record in the sprint',
    ],
  };
  for (const [label, texts] of Object.entries(topics)) for (const t of texts) rows.push(`${t},${label}`);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'topics.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await expect(page.getByTestId('dataset-select')).toHaveValue('local:topics');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('query-row')).toHaveCount(3);

  // A file that is no dataset gets a clear message and the app keeps working.
  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
  await expect(page.getByTestId('dataset-error')).toContainText('not a readable zip');
  await expect(page.getByTestId('query-row')).toHaveCount(3);
});
