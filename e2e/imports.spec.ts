import { expect, test, type Page } from '@playwright/test';
import { tab } from './app-helpers';

async function readingCount(page: Page): Promise<number> {
  await tab(page, 'Catalog');
  const text = (await page.getByText(/\d+ of \d+ readings/).textContent()) ?? '';
  return Number(/of (\d+) readings/.exec(text)![1]);
}

async function importText(page: Page, name: string, text: string) {
  await tab(page, 'Data');
  await page.getByLabel(/Import a file/).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

const BIB = String.raw`% JabRef export; questions to learner@example.org
@string{ mem = {Memory} }
@article{hochreiter1997,
  author = {Hochreiter, Sepp and Schmidhuber, J{\"u}rgen},
  title = "Long Short-Term " # mem,
  year = 1997,
}
@book{ahrens2017,
  author = {S{\"o}nke Ahrens and {Barnes and Noble, Inc.}},
  title = {How to Take Smart Notes},
  year = {2017},
  pagetotal = {352},
}
@misc{vaswani2017, title = {Attention Is {All} You Need}, author = {Vaswani, Ashish}, year = 2017, doi = {10.48550/arXiv.1706.03762}}
@article{again, title = {Long Short-Term Memory}, author = {Hochreiter, S.}, year = {1997}}
@article{bad, title = {Bad year}, year = {20x1}}
`;

test('a .bib file is previewed before it is written; importing it again changes nothing; Undo takes it back', async ({ page }) => {
  await page.goto('/');
  await importText(page, 'refs.bib', BIB);
  const preview = page.getByRole('alertdialog', { name: 'Import refs.bib?' });
  await expect(preview).toContainText('3 new, 0 already there, 1 repeated in the file, 1 refused');
  await expect(preview.getByRole('list', { name: 'Refused records' })).toContainText('refs.bib, line 16 (entry bad), field year');
  expect(await readingCount(page)).toBe(0); // nothing written before the learner confirms
  await tab(page, 'Data');
  await preview.getByRole('button', { name: 'Import 3 new' }).click();
  await expect(page.getByRole('status')).toContainText('Imported refs.bib: 3 new, 0 merged.');
  expect(await readingCount(page)).toBe(3);
  await expect(page.getByText('Ahrens, Sönke', { exact: false })).toBeVisible();

  await importText(page, 'refs.bib', BIB);
  await expect(preview).toContainText('0 new, 4 already there, 1 refused');
  await expect(preview).toContainText('Nothing would change');
  await preview.getByRole('button', { name: 'Close' }).click();
  expect(await readingCount(page)).toBe(3);

  // The same references as RIS: one is new, two are already there (by DOI, and by title, year and author).
  const ris =
    'TY  - JOUR\nTI  - Attention is all you need\nAU  - Vaswani, Ashish\nPY  - 2017\nDO  - https://doi.org/10.48550/ARXIV.1706.03762\nER  - \n' +
    'TY  - JOUR\nTI  - Long short-term memory\nAU  - Hochreiter, Sepp\nPY  - 1997///\nKW  - rnn\nER  - \n' +
    'TY  - BOOK\nTI  - Thinking, Fast and Slow\nAU  - Kahneman, Daniel\nPY  - 2011\nER  - \n';
  await importText(page, 'refs.ris', ris);
  const risPreview = page.getByRole('alertdialog', { name: 'Import refs.ris?' });
  await expect(risPreview).toContainText('1 new, 2 already there (1 gain fields), 0 refused');
  await risPreview.getByRole('button', { name: 'Import 1 new, merge 1' }).click();
  await expect(page.getByRole('status')).toContainText('Imported refs.ris: 1 new, 1 merged.');
  expect(await readingCount(page)).toBe(4);
  await tab(page, 'Data');
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status')).toContainText('Undone: Imported refs.ris.');
  expect(await readingCount(page)).toBe(3);
});
