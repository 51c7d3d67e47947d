// A line diff of two recipe versions for the side-by-side view (longest common subsequence; recipes are
// small: a few hundred lines).

export interface DiffRow {
  left: string | null;
  right: string | null;
  /** same: both sides; removed: only left; added: only right; changed: a removed line paired with an added one */
  kind: 'same' | 'removed' | 'added' | 'changed';
}

export function diffLines(a: string, b: string): DiffRow[] {
  const left = a.replace(/\n$/, '').split('\n');
  const right = b.replace(/\n$/, '').split('\n');
  const n = left.length;
  const m = right.length;
  // lcs[i][j]: length of the LCS of left[i..] and right[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = left[i] === right[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const rows: DiffRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    const pairs = Math.min(removed.length, added.length);
    for (let k = 0; k < pairs; k++) rows.push({ left: removed[k], right: added[k], kind: 'changed' });
    removed.slice(pairs).forEach((l) => rows.push({ left: l, right: null, kind: 'removed' }));
    added.slice(pairs).forEach((r) => rows.push({ left: null, right: r, kind: 'added' }));
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] === right[j]) {
      flush();
      rows.push({ left: left[i], right: right[j], kind: 'same' });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      removed.push(left[i++]);
    } else {
      added.push(right[j++]);
    }
  }
  flush();
  return rows;
}
