/**
 * Seed rules for Pod's playlist app (favorites and named playlists, their contents and co-owners).
 */
import { randomMicros, sentence, slugify } from '../values';
import type { World } from '../world';
import { dt, DAY, djangoPassword, cut, m2m, type RowValues, type TableRule } from '../rules';

function* playlistPlaylist(w: World): Iterable<RowValues> {
  for (const p of w.playlists) {
    const r = w.rng('playlist', p.id);
    const created = randomMicros(r);
    const name = p.favorites
      ? 'Favorites'
      : cut(`${r.pick(['Ma sélection', 'Révisions', 'Best of', 'Playlist « cours »', 'À voir 👀'])} ${p.id}`, 200);
    const visibility = p.favorites ? 'private' : r.pick(['public', 'protected', 'private']);
    yield {
      date_created: dt(created),
      id: p.id,
      name,
      description: p.favorites || r.bool(0.4) ? '' : sentence(r),
      password: visibility === 'protected' ? djangoPassword(r) : '',
      visibility,
      autoplay: p.favorites ? true : r.bool(0.6),
      promoted: !p.favorites && r.bool(0.1),
      editable: !p.favorites,
      slug: cut(`${p.id}-${slugify(name)}`, 210),
      date_updated: dt(created + r.int(0, 100) * DAY),
      owner_id: p.owner,
      site_id: w.ref.siteIds[0],
    };
  }
}

function* playlistContent(w: World): Iterable<RowValues> {
  let k = 0;
  for (const p of w.playlists) {
    const r = w.rng('playlist-content', p.id);
    const videos = r.distinctInts(p.id === 1 ? 3 : r.int(0, 8), 1, w.N);
    r.shuffle(videos);
    let rank = 0;
    for (const i of videos) {
      yield { id: ++k, date_added: dt(randomMicros(r)), rank: ++rank, playlist_id: p.id, video_id: w.videoId(i) };
    }
  }
}

function* playlistAdditionalOwners(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    let first = true;
    for (const p of w.playlists) {
      if (p.favorites) continue;
      const r = w.rng('playlist-owners', p.id);
      if (!first && !r.bool(0.2)) continue;
      first = false;
      for (const u of w.distinctUsers(r, r.int(1, 2), p.owner)) yield [p.id, u];
    }
  }
  yield* m2m('playlist_id', 'user_id', pairs());
}

/** The tables of this app, with their rules. */
export const playlistRules: Record<string, TableRule> = {
  playlist_playlist: playlistPlaylist,
  playlist_playlistcontent: playlistContent,
  playlist_playlist_additional_owners: playlistAdditionalOwners,
};
