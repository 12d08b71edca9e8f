/**
 * Seed rules for Pod's podfile app (user folders, their images and files, who shares them).
 */
import { WORDS, randomMicros, sentence, slugify } from '../values';
import type { World } from '../world';
import { dt, cut, m2m, type RowValues, type TableRule } from '../rules';

function* podfileUserfolder(w: World): Iterable<RowValues> {
  for (let f = 1; f <= w.folderOwner.length; f += 1) {
    const r = w.rng('folder', f);
    yield { id: f, name: w.folderName[f - 1], created_at: dt(randomMicros(r)), owner_id: w.folderOwner[f - 1] };
  }
}

function* podfileCustomFile(w: World, kind: 'image' | 'file'): Iterable<RowValues> {
  const folders = kind === 'image' ? w.podfileImageFolder : w.podfileFileFolder;
  for (let k = 1; k <= folders.length; k += 1) {
    const r = w.rng(`podfile-${kind}`, k);
    const folder = folders[k - 1];
    const owner = w.folderOwner[folder - 1];
    const base = k % 7 === 3 ? `Schéma n°${k} — « annoté »` : `${r.pick(WORDS)}_${k}`;
    const ext = kind === 'image' ? r.pick(['png', 'jpg', 'gif']) : r.pick(['pdf', 'vtt', 'srt', 'zip']);
    yield {
      id: k,
      name: cut(base, 255),
      description: r.bool(0.6) ? '' : cut(sentence(r), 255),
      uploaded_at: dt(randomMicros(r)),
      file: cut(`files/${w.hashkey(owner)}/${kind === 'image' ? 'images' : 'files'}/${slugify(base) || 'fichier'}.${ext}`, 255),
      created_by_id: owner,
      folder_id: folder,
    };
  }
}

function* nonHomeFolderPairs(w: World, name: string, pool: number, excludeOwner: boolean): Iterable<[number, number]> {
  let first = true;
  for (let f = w.users + 1; f <= w.folderOwner.length; f += 1) {
    const r = w.rng(name, f);
    if (!first && !r.bool(0.3)) continue;
    first = false;
    const owner = w.folderOwner[f - 1];
    const picks = excludeOwner ? w.distinctUsers(r, r.int(1, 2), owner) : r.distinctInts(r.int(1, 2), 1, pool);
    for (const b of picks) yield [f, b];
  }
}

/** The tables of this app, with their rules. */
export const podfileRules: Record<string, TableRule> = {
  podfile_userfolder: podfileUserfolder,
  podfile_customimagemodel: (w) => podfileCustomFile(w, 'image'),
  podfile_customfilemodel: (w) => podfileCustomFile(w, 'file'),
  podfile_userfolder_access_groups: (w) =>
    m2m('userfolder_id', 'accessgroup_id', nonHomeFolderPairs(w, 'folder-groups', w.accessGroups, false)),
  podfile_userfolder_users: (w) => m2m('userfolder_id', 'user_id', nonHomeFolderPairs(w, 'folder-users', w.users, true)),
};
