/**
 * The rows a fresh Pod 4.0 database holds after `make createDB` (Pod's fixtures: site, configuration, flat pages,
 * blocks, footer links, video type, renditions), by table and id: what the import may replace without anyone
 * having used v4. Taken from test/fixtures/pod-schemas/pod-4.0.3/*-createdb-data.sql (test/engine/target-guard
 * checks that it matches both files). The merge tables (django_content_type, auth_permission) are not listed:
 * the import keeps their v4-only rows, it never loses one.
 */
export const CREATEDB_ROW_IDS: Readonly<Record<string, readonly number[]>> = {
  django_flatpage: [1, 2, 3],
  django_flatpage_sites: [1, 2, 3],
  django_site: [1],
  main_block: [1],
  main_block_sites: [1],
  main_configuration: [1, 2, 3, 4, 5, 6],
  main_linkfooter: [1, 2],
  main_linkfooter_sites: [1, 3],
  video_encode_transcript_videorendition: [1, 2, 3],
  video_encode_transcript_videorendition_sites: [1, 2, 3],
  video_type: [1],
  video_type_sites: [1],
};
