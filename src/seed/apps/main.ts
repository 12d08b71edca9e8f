/**
 * Seed rules for Pod's main app (custom images and files, channel tabs, blocks, configuration, footer links)
 * and the Django and third-party apps it configures: flat pages, admin log, captcha, sorl thumbnails, web push.
 */
import type { Rng } from '../random';
import { WORDS, edgeText, htmlText, md5Hex, randomMicros, slugify } from '../values';
import type { World } from '../world';
import { dt, cut, m2m, withSites, type RowValues, type TableRule } from '../rules';
import { videoTitle } from './video';

function* captchaCaptchastore(w: World): Iterable<RowValues> {
  const n = 5 + Math.ceil(w.N / 200);
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('captcha', k);
    const math = r.bool(0.5);
    const a = r.int(1, 20);
    const b = r.int(1, 20);
    const word = r.hex(4).toUpperCase();
    yield {
      id: k,
      challenge: math ? `${a} + ${b} =` : word,
      response: math ? String(a + b) : word.toLowerCase(),
      hashkey: r.hex(40),
      expiration: dt(randomMicros(r)),
    };
  }
}

function* mainCustomImage(w: World): Iterable<RowValues> {
  for (let k = 1; k <= w.mainImages; k += 1) {
    const r = w.rng('main-image', k);
    const name =
      k % 9 === 4 ? `photo d’été « ${k} » (copie).JPG` : `${slugify(r.pick(WORDS))}_${k}.${r.pick(['png', 'jpg', 'webp', 'svg'])}`;
    yield { id: k, file: r.bool(0.05) ? null : cut(`custom/images/${name}`, 255) };
  }
}

function* mainCustomFile(w: World): Iterable<RowValues> {
  for (let k = 1; k <= w.mainFiles; k += 1) {
    const r = w.rng('main-file', k);
    yield {
      id: k,
      file: r.bool(0.05) ? null : cut(`custom/files/${slugify(r.pick(WORDS))}_${k}.${r.pick(['pdf', 'vtt', 'docx', 'odt'])}`, 255),
    };
  }
}

const CHANNEL_TABS: Array<[string, string | null, string | null]> = [
  ['Replays', 'Replays', 'Replays'],
  ['Ressources pédagogiques', 'Ressources pédagogiques', 'Teaching resources'],
  ['Événements', null, 'Events'],
  ['Archives 📼', 'Archives 📼', null],
];

function* mainAdditionalChannelTab(w: World): Iterable<RowValues> {
  for (let t = 1; t <= w.channelTabs; t += 1) {
    const [name, fr, en] = CHANNEL_TABS[t - 1];
    yield { id: t, name, name_fr: fr, name_en: en };
  }
}

const FLATPAGES: Array<{ url: string; fr: string; en: string | null }> = [
  { url: '/', fr: 'Accueil', en: 'Home' },
  { url: '/legal_notice/', fr: 'Mentions légales', en: 'Legal Notice' },
  { url: '/accessibility/', fr: 'Accessibilité : Partiellement conforme', en: 'Accessibility: Partially compliant' },
  { url: '/faq/', fr: 'FAQ « questions fréquentes »', en: null },
  { url: '/pages/été-2024_100%/', fr: 'Été 2024 — 100 % en ligne', en: 'Summer 2024' },
];

function* djangoFlatpage(w: World): Iterable<RowValues> {
  for (let p = 1; p <= w.flatpages; p += 1) {
    const r = w.rng('flatpage', p);
    const page = FLATPAGES[p - 1];
    const content = p === 3 ? `<h2>Déclaration</h2>\n${htmlText(r, 6)}` : htmlText(r, r.int(1, 3));
    yield {
      id: p,
      url: page.url,
      title: page.fr,
      content,
      enable_comments: p === 5,
      template_name: p === 4 ? 'flatpages/faq.html' : '',
      registration_required: p === 5,
      content_en: page.en === null ? null : '<p>English content</p>',
      content_fr: p === 5 ? null : content,
      title_en: page.en,
      title_fr: p === 4 ? null : page.fr,
    };
  }
}

function* mainBlock(w: World): Iterable<RowValues> {
  const named = w.playlists.find((p) => !p.favorites)?.id ?? 1;
  const blocks: RowValues[] = [
    { title: 'Dernières vidéos', type: 'card_list', data_type: 'last_videos', page_id: 1 },
    { title: 'Chaîne à la une', type: 'carousel', data_type: 'channel', Channel_id: 1, page_id: 1 },
    { title: 'Thème', type: 'multi_carousel', data_type: 'theme', Theme_id: 1, page_id: 1 },
    { title: 'Playlist promue', type: 'card_list', data_type: 'playlist', Playlist_id: named, page_id: null },
    {
      title: null,
      type: 'html',
      data_type: null,
      html: '<div class="alert">Bienvenue ! <b>Maintenance</b> le 1/1 — 100% _</div>',
      page_id: 2,
    },
    { title: 'Prochains directs', type: 'card_list', data_type: 'event_next', page_id: 1 },
  ];
  for (let b = 1; b <= blocks.length; b += 1) {
    const r = w.rng('block', b);
    const x = blocks[b - 1];
    const title = x.title as string | null;
    yield {
      id: b,
      title,
      order: b === 6 ? null : b,
      visible: b !== 4,
      type: x.type,
      data_type: x.data_type,
      html: (x.html as string | undefined) ?? null,
      display_title: title,
      display_title_fr: title,
      display_title_en: b === 1 ? 'Last videos' : null,
      no_cache: r.bool(0.5),
      debug: b === 5,
      show_restricted: r.bool(0.3),
      must_be_auth: r.bool(0.2),
      auto_slide: r.bool(0.5),
      nb_element: x.type === 'html' ? null : r.int(0, 12),
      multi_carousel_nb: x.type === 'multi_carousel' ? r.int(1, 5) : null,
      view_videos_from_non_visible_channels: b === 2 || r.bool(0.1),
      shows_passworded: r.bool(0.2),
      Channel_id: (x.Channel_id as number | undefined) ?? null,
      Playlist_id: (x.Playlist_id as number | undefined) ?? null,
      Theme_id: (x.Theme_id as number | undefined) ?? null,
      page_id: x.page_id as number | null,
    };
  }
}

const CONFIGURATION: Array<[string, string, string, string]> = [
  ['maintenance_mode', '0', 'Activation du mode maintenance ou non', 'Activation of maintenance mode or not'],
  [
    'maintenance_text_short',
    'Maintenance en cours',
    'Texte qui sera affiché sur la barre de navigation pendant la maintenance',
    'Text that will be displayed on the navigation bar during maintenance',
  ],
  [
    'maintenance_text_welcome',
    'La plateforme Pod est actuellement en maintenance',
    'Texte qui sera affiché sur la page d’accueil pendant une maintenance',
    'Text that will be displayed on the home page during maintenance',
  ],
  [
    'maintenance_text_disabled',
    'Pod est en maintenance, cette fonctionnalité est donc désactivée pour le moment',
    'Texte qui sera affiché sur les pages qui sont désactivées pendant la maintenance',
    'Text that will be displayed on pages that are disabled during maintenance',
  ],
  [
    'maintenance_sheduled',
    '0',
    "Affichage d'une maintenance programmée (1) ou non (0).",
    'Display a sheduled maintenance message (1) or not (0).',
  ],
  [
    'maintenance_text_sheduled',
    'Pod sera en maintenance <strong>le _/_/_</strong>. Évitez tout transfert de contenu à cette date.',
    'Texte annoncant une maintenance.',
    'Text announcing a sheduled maintenance.',
  ],
  ['custom_footer_text', 'Université — "Service Audiovisuel" \\ 100%', 'Texte libre du pied de page', 'Free footer text'],
  ['NULL', 'NULL', 'La clé "NULL" (texte, pas une valeur nulle)', 'The "NULL" key (text, not a null value)'],
];

function* mainConfiguration(): Iterable<RowValues> {
  let id = 0;
  for (const [key, value, fr, en] of CONFIGURATION) {
    id += 1;
    yield { id, key, value, description: fr, description_fr: id === 8 ? null : fr, description_en: id === 7 ? null : en };
  }
}

function* mainLinkFooter(w: World): Iterable<RowValues> {
  const links: Array<[string, string | null, number | null, string | null]> = [
    ['Mentions légales', 'Legal Notice', 2, null],
    ['Accessibilité : Partiellement conforme', 'Accessibility: Partially compliant', 3, null],
    ['Contact', null, null, 'mailto:pod@univ-exemple.fr'],
    ["Site de l'université", 'University website', null, 'https://www.univ-exemple.fr/?a=1&b=_%'],
  ];
  for (let k = 1; k <= links.length; k += 1) {
    const [fr, en, page, url] = links[k - 1];
    yield {
      id: k,
      title: fr,
      title_fr: k === 3 ? null : fr,
      title_en: en,
      order: k === 4 ? null : k - 1,
      url,
      page_id: page !== null && page <= w.flatpages ? page : null,
    };
  }
}

function* djangoAdminLog(w: World): Iterable<RowValues> {
  const n = 5 + Math.ceil(w.N / 2);
  const cts = w.ref.contentTypes;
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('admin-log', k);
    const flag = r.pick([1, 2, 2, 2, 3]);
    const ct = cts.length === 0 || r.bool(0.03) ? null : r.pick(cts);
    const repr =
      ct?.model === 'video'
        ? videoTitle(w, r.int(1, w.N))
        : `${ct?.model ?? 'objet'} object (${r.int(1, 500)}) ${r.bool(0.1) ? edgeText(r) : ''}`;
    yield {
      id: k,
      action_time: dt(randomMicros(r)),
      object_id: r.bool(0.05) ? null : String(r.int(1, 500)),
      object_repr: cut(repr, 200),
      action_flag: flag,
      change_message:
        flag === 1 ? '[{"added": {}}]' : flag === 2 ? (r.bool(0.2) ? '' : '[{"changed": {"fields": ["Titre", "Description (fr)"]}}]') : '',
      content_type_id: ct?.id ?? null,
      user_id: r.int(1, Math.min(3, w.users)),
    };
  }
}

function* thumbnailKvstore(w: World): Iterable<RowValues> {
  const n = Math.max(5, Math.ceil(w.N / 5));
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('kvstore', k);
    const image = md5Hex(`image-${w.seed}-${k}`);
    const thumb = md5Hex(`thumb-${w.seed}-${k}`);
    yield {
      key: `sorl-thumbnail||image||${image}`,
      value: JSON.stringify({
        name: `custom/images/img_${k}.jpg`,
        storage: 'django.core.files.storage.FileSystemStorage',
        size: [r.int(100, 4000), r.int(100, 3000)],
      }),
    };
    yield { key: `sorl-thumbnail||thumbnails||${image}`, value: JSON.stringify([thumb]) };
  }
}

function base64url(r: Rng, bytes: number): string {
  return Buffer.from(r.hex(bytes * 2), 'hex').toString('base64url');
}

function* webpushGroup(): Iterable<RowValues> {
  const names = ['notifications', 'Groupe « live » 📢', 'admins'];
  for (let g = 1; g <= names.length; g += 1) yield { id: g, name: names[g - 1] };
}

function* webpushSubscriptionInfo(w: World): Iterable<RowValues> {
  for (let s = 1; s <= w.webpushSubscriptions; s += 1) {
    const r = w.rng('subscription', s);
    const browser = r.pick(['chrome', 'firefox', 'edge', 'safari']);
    yield {
      id: s,
      browser,
      endpoint: `https://fcm.googleapis.com/fcm/send/${base64url(r, 60)}:${base64url(r, 30)}`,
      auth: base64url(r, 16),
      p256dh: base64url(r, 65),
      user_agent: r.bool(0.2)
        ? ''
        : `Mozilla/5.0 (X11; Linux x86_64; rv:${r.int(90, 130)}.0) Gecko/20100101 ${browser}/${r.int(90, 130)}.0`,
    };
  }
}

function* webpushPushInformation(w: World): Iterable<RowValues> {
  for (let s = 1; s <= w.webpushSubscriptions; s += 1) {
    const r = w.rng('pushinfo', s);
    yield {
      id: s,
      group_id: r.bool(0.5) ? null : r.int(1, w.webpushGroups),
      subscription_id: s,
      user_id: s === 2 ? null : r.int(1, w.users),
    };
  }
}

/** The tables of this app, with their rules. */
export const mainRules: Record<string, TableRule> = {
  captcha_captchastore: captchaCaptchastore,
  main_customimagemodel: mainCustomImage,
  main_customfilemodel: mainCustomFile,
  main_additionalchanneltab: mainAdditionalChannelTab,
  django_flatpage: djangoFlatpage,
  django_flatpage_sites: (w) => m2m('flatpage_id', 'site_id', withSites(w, w.flatpages)),
  main_block: mainBlock,
  main_block_sites: (w) => m2m('block_id', 'site_id', withSites(w, 6)),
  main_configuration: mainConfiguration,
  main_linkfooter: mainLinkFooter,
  main_linkfooter_sites: (w) => m2m('linkfooter_id', 'site_id', withSites(w, 4)),
  django_admin_log: djangoAdminLog,
  thumbnail_kvstore: thumbnailKvstore,
  webpush_group: webpushGroup,
  webpush_subscriptioninfo: webpushSubscriptionInfo,
  webpush_pushinformation: webpushPushInformation,
};
