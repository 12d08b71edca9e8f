/**
 * Seed rules for Pod's quiz app (a quiz per video and its four kinds of questions).
 */
import type { Rng } from '../random';
import { WORDS, edgeText, paragraph, sentence, uuidHex } from '../values';
import type { World } from '../world';
import { cut, type RowValues, type TableRule } from '../rules';

function* quizQuiz(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.quizVideos) {
    const r = w.rng('quiz', i);
    yield { id: ++k, connected_user_only: r.bool(0.3), show_correct_answers: r.bool(0.7), is_draft: r.bool(0.2), video_id: w.videoId(i) };
  }
}

type QuestionKind = 'single' | 'multiple' | 'short' | 'truefalse';

const QUESTION_KINDS: QuestionKind[] = ['single', 'multiple', 'short', 'truefalse'];

function* questions(w: World, kind: QuestionKind): Iterable<RowValues> {
  let global = 0;
  // A uuid comes from a 32-bit seeded stream: two questions can draw the same one (seed 1 at 100,000 videos).
  const used = new Set<string>();
  for (let quiz = 1; quiz <= w.quizVideos.length; quiz += 1) {
    const r = w.rng('questions', quiz);
    const n = quiz === 1 ? 4 : r.int(1, 4);
    const duration = Math.max(10, w.videoDuration[w.quizVideos[quiz - 1] - 1]);
    for (let q = 1; q <= n; q += 1) {
      global += 1;
      // The first four questions cover the four kinds, then kinds are drawn.
      const k = global <= 4 ? QUESTION_KINDS[global - 1] : r.pick(QUESTION_KINDS);
      const qr = w.rng('question', quiz, q);
      if (k !== kind) continue;
      const start = qr.bool(0.4) ? null : qr.int(0, duration - 2);
      const row: RowValues = {
        id: uniqueUuid(w, qr, used, quiz, q),
        title: cut(`${q}. ${sentence(qr, 3, 10, 0.2).replace(/\.$/, ' ?')}`, 250),
        explanation: qr.bool(0.4) ? '' : paragraph(qr, 1),
        start_timestamp: start,
        end_timestamp: start === null ? null : qr.int(start + 1, duration),
        quiz_id: quiz,
      };
      if (kind === 'single') row.choices = { json: singleChoices(qr, global) };
      else if (kind === 'multiple') row.choices = { json: multipleChoices(qr, global) };
      else if (kind === 'short') row.answer = cut(qr.bool(0.2) ? edgeText(qr) : qr.pick(WORDS), 250);
      else row.is_true = qr.bool(0.5);
      yield row;
    }
  }
}

/** The question's uuid, redrawn from a stream of its own only when taken (every other row stays as it was). */
function uniqueUuid(w: World, qr: Rng, used: Set<string>, quiz: number, q: number): string {
  let id = uuidHex(qr);
  for (let attempt = 1; used.has(id); attempt += 1) id = uuidHex(w.rng('question-uuid', quiz, q, attempt));
  used.add(id);
  return id;
}

function singleChoices(r: Rng, n: number): string {
  const good = r.int(0, 2);
  const choices: Record<string, unknown> = {};
  ['Paris', 'Lyon', 'Saint-Étienne 🏟'].forEach((c, k) => {
    choices[c] = k === good;
  });
  if (n % 3 === 1) {
    choices.日本語の選択肢 = false;
    choices.détails = { 'clé "imbriquée"': 'valeur\\avec\nretour', liste: [1, 2.5, null, true, 'é'], vide: {} };
  }
  return JSON.stringify(choices);
}

function multipleChoices(r: Rng, n: number): string {
  const choices: Record<string, unknown> = { 'Réponse A': true, 'Réponse B': r.bool(0.5), 'Réponse C « piège »': false, '🎓': r.bool(0.5) };
  if (n % 2 === 0) choices.nested = { niveau1: { niveau2: { ünïcødé: [{ a: 1 }, { b: -2.75e-3 }] } } };
  return JSON.stringify(choices);
}

/** The tables of this app, with their rules. */
export const quizRules: Record<string, TableRule> = {
  quiz_quiz: quizQuiz,
  quiz_singlechoicequestion: (w) => questions(w, 'single'),
  quiz_multiplechoicequestion: (w) => questions(w, 'multiple'),
  quiz_shortanswerquestion: (w) => questions(w, 'short'),
  quiz_truefalsequestion: (w) => questions(w, 'truefalse'),
};
