import type { DatasetDocument } from './types';

/**
 * The documents of a dataset, unique by text. The reference loader identifies a document by its text (its
 * label series are indexed by text), so two source rows with the same text are one document here; the first
 * row's id is kept.
 */
export class DocumentTable {
  readonly documents: DatasetDocument[] = [];
  private readonly indexByText = new Map<string, number>();

  /** The index of the document with this text, adding it (with this id) when the text is new. */
  add(id: string, text: string): number {
    const known = this.indexByText.get(text);
    if (known !== undefined) return known;
    const index = this.documents.length;
    this.documents.push({ id, text });
    this.indexByText.set(text, index);
    return index;
  }

  /** The index of the document with this text, if there is one. */
  indexOf(text: string): number | undefined {
    return this.indexByText.get(text);
  }

  get size(): number {
    return this.documents.length;
  }
}
