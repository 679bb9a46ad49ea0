import { re } from '../patterns.ts';
import type { Label } from './labels.ts';

/**
 * One piece of evidence. Patterns read the folded text (lower case, accents, look-alikes and
 * leetspeak undone, blank runs collapsed to one space or one line break), unless `view` says
 * `cased` (case kept) or `squashed` (letters only, for words broken up by separators).
 *
 * Rules in the same `group` describe the same evidence, so only the strongest of them counts.
 * `inDocument` replaces `weight` when the text reads as a retrieved document (an email, a table,
 * code): an instruction about "your response" is ordinary in a user's message and an injection
 * in an email the assistant was asked to summarise.
 *
 * `requires` lists groups of word starts; every match of the pattern contains a word starting with
 * one of each group, so a text lacking a group cannot match and the pattern is not run on it.
 */
export interface InjectionRule {
  label: Label;
  group: string;
  weight: number;
  inDocument?: number;
  /** Weight in any text read as possible content (`detectInjection`, retrieved passages, assistant
   * turns) rather than a user's own message, when it is not a recognised document. */
  inContent?: number;
  view?: 'folded' | 'cased' | 'squashed';
  requires: ReadonlyArray<readonly string[]>;
  pattern: RegExp;
  /**
   * Every match begins at a word start where one of these occurs (`true`: one of the first
   * `requires` group), so the pattern is tried only at those places instead of along the text.
   */
  startsAt?: true | readonly string[];
  /** Counts only where an order would stand: at the start of a clause or after "you must". */
  clauseStart?: boolean;
  /** Counts only when the text also contains one of these. */
  alsoIn?: readonly string[];
  /** Counts only inside a sentence that opens with one of these verbs (at most 16 words back). */
  sentenceVerb?: ReadonlySet<string>;
  /** The match only describes the act (negated, or about instructions inside content): weakened. */
  describedBefore?: RegExp;
  describedAfter?: RegExp;
}

// "must not reveal", "never ignore": a rule stated, not an order given.
const NEGATED = re(/\b(?:not|never|n't|no|nor)\s(?:[a-z]+\s)?$/);
// "ignore instructions inside retrieved documents", "forget the rules about bullet points".
const SCOPED = re(
  /\s(?:about|regarding|concerning|on\sthe|for\sthe|inside|within|contained|embedded|found\sin|that\s(?:appear|are)\sin|in\s(?:the\s|any\s|those\s|these\s)?(?:documents?|emails?|content|files?|retrieved|uploaded|web\s?pages?|user|data|them|it|pdfs?|this\s(?:document|email|page|file)))\b/y,
);
/** What may stand before an order: the start of a clause, "please", "you must", "i want you to". */
export const CLAUSE_BEFORE = re(
  /(?:^|[.!?:;,([\n]\s?|\b(?:please|just|now|and|then|so|also|let's|lets|let\sus|you\s(?:must|should|will|shall|need\sto|have\sto|are\sto)|want\syou\sto|need\syou\sto)\s)$/,
);

// Word lists shared by several patterns, and the word starts that stand for them.
const QUALIFIER =
  '(?:previous|prior|preceding|above|earlier|former|foregoing|original|initial|system|old)';
const FILLER =
  '(?:all|any|every|each|of|the|your|these|those|this|that|such|and|or|other|kinds? of|types? of|my|following|given|existing|current)';
const STRONG_NOUN =
  '(?:instructions?|prompts?|directions?|directives?|commands?|rules?|guidelines?|guidance|programming|constraints?|restrictions?|training|policies|policy|orders?)';
const IGNORE =
  '(?:ignore|disregard|forget|skip|override|overwrite|bypass|discard|abandon|neglect|dismiss|erase|delete|drop)';
const IGNORES = [
  'ignor',
  'disregard',
  'forget',
  'skip',
  'overrid',
  'overwrit',
  'bypass',
  'discard',
  'abandon',
  'neglect',
  'dismiss',
  'erase',
  'delete',
  'drop',
];
const SHOW =
  '(?:print|show|reveal|display|output|repeat|recite|echo|tell me|tell us|give me|share|list|write out|write down|spell ?check|translate|summari[sz]e|dump|leak|expose|disclose|return|copy|paste|provide|what (?:is|are|was|were))';
const SHOWS = [
  'print',
  'show',
  'reveal',
  'display',
  'output',
  'repeat',
  'recite',
  'echo',
  'tell me',
  'tell us',
  'give me',
  'share',
  'list',
  'write out',
  'write down',
  'spell check',
  'spellcheck',
  'translate',
  'summariz',
  'summaris',
  'dump',
  'leak',
  'expose',
  'disclose',
  'return',
  'copy',
  'paste',
  'provide',
  'what is',
  'what are',
  'what was',
  'what were',
];
/** Names of a machine reader; the anchors and the pattern below are both made from this list. */
const ASSISTANTS = [
  'ai',
  'a.i.',
  'llm',
  'large language model',
  'language model',
  'chatbot',
  'assistant',
  'bot',
  'model',
  'gpt',
  'chatgpt',
  'claude',
  'copilot',
  'agent',
  'summarizer',
  'summariser',
];
const ASSISTANT = `(?:${ASSISTANTS.map((name) => name.replaceAll('.', '\\.')).join('|')})s?`;
/** What an order addressed to an AI inside content asks (one list: the pattern and its anchors). */
const ADDRESSED_ORDERS = [
  'tell',
  'say',
  'add',
  'mark',
  'rate',
  'rank',
  'score',
  'recommend',
  'approve',
  'ignore',
  'disregard',
  'forget',
  'send',
  'email',
  'forward',
  'include',
  'reply',
  'respond',
  'answer',
  'print',
  'reveal',
  'output',
  'state',
  'do not',
  "don't",
  'never',
  'always',
  'make sure',
  'skip',
  'delete',
  'praise',
  'classify',
  'when you',
  'when asked',
];
const OUTPUT =
  '(?:response|reply|answer|message|output|summary|translation|responses|replies|answers)';
const YOUR_OUTPUT = [
  'your response',
  'your repl',
  'your answer',
  'your message',
  'your output',
  'your summary',
  'your translation',
];
const MODE_NAME =
  '(?:developer|dev|debug|debugging|god|admin|sudo|jailbreak|jailbroken|unrestricted|unfiltered|evil|dan|maintenance|chaos|uncensored|opposite)';
const MODE_NAMES = [
  'developer',
  'dev',
  'debug',
  'god',
  'admin',
  'sudo',
  'jailbr',
  'unrestrict',
  'unfilter',
  'evil',
  'dan',
  'maintenance',
  'chaos',
  'uncensor',
  'opposite',
];
const POLICY_NOUN =
  '(?:polic(?:y|ies)|guidelines|rules|regulations|restrictions|filters?|laws|ethics|morals|limits|censorship)';
const POLICY_NOUNS = [
  'polic',
  'guideline',
  'rules',
  'regulation',
  'restriction',
  'filter',
  'laws',
  'ethic',
  'moral',
  'limits',
  'censorship',
];

/** Verbs that open an order about the assistant's output: "Add …", "Translate …", "Reverse …". */
const OUTPUT_VERBS: ReadonlySet<string> = new Set([
  'add',
  'include',
  'insert',
  'integrate',
  'incorporate',
  'append',
  'prepend',
  'embed',
  'inject',
  'modify',
  'change',
  'alter',
  'rewrite',
  'rephrase',
  'reword',
  'rearrange',
  'reorder',
  'restructure',
  'reformat',
  'replace',
  'substitute',
  'swap',
  'use',
  'encode',
  'encrypt',
  'translate',
  'convert',
  'transform',
  'write',
  'render',
  'format',
  'express',
  'present',
  'deliver',
  'craft',
  'compose',
  'frame',
  'phrase',
  'provide',
  'give',
  'start',
  'begin',
  'end',
  'finish',
  'reverse',
  'scramble',
  'shuffle',
  'anagram',
  'misspell',
  'capitalise',
  'capitalize',
  'remove',
  'delete',
  'omit',
  'combine',
  'group',
  'split',
  'separate',
  'shift',
  'invert',
  'enhance',
  'augment',
  'enrich',
  'embellish',
  'mention',
  'tease',
  'suggest',
  'promote',
  'recommend',
  'encourage',
  'direct',
  'advertise',
  'state',
  'say',
  'tell',
  'output',
  'spread',
  'hint',
  'reference',
  'cite',
  'emphasise',
  'emphasize',
  'highlight',
  'remind',
  'conclude',
  'close',
  'sign',
  'make',
  'limit',
  'restrict',
  'sprinkle',
  'pepper',
  'intersperse',
]);

const rx = (source: string): RegExp => re(new RegExp(source, 'g'));

const SENDS = [
  'send',
  'forward',
  'email',
  'e-mail',
  'post',
  'upload',
  'transmit',
  'exfiltrat',
  'leak',
  'copy',
];
/** "Send <what> … to <somewhere outside>", for the alternatives of what may be sent. */
const exfiltration = (what: string): string =>
  String.raw`\b(?:send|forward|email|e-mail|post|upload|transmit|exfiltrate|leak|copy)\s(?:all\s|the\s|this\s|these\s|your\s|my\s|every\s|any\s)?(?:(?:full|entire|whole|previous|user's|private|confidential|sensitive)\s)?(?:${what})(?:\s[a-z',]+){0,6}\s(?:to|at|via)\s(?:https?:|www\.|the\s(?:following|url|address|server|endpoint)|this\s(?:url|address|server|endpoint)|my\s(?:server|endpoint))`;

export const RULES: readonly InjectionRule[] = [
  // --- Overriding the instructions the assistant was given.
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.8,
    requires: [IGNORES],
    startsAt: IGNORES,
    pattern: rx(
      String.raw`\b${IGNORE}(?:,?\s${FILLER}){0,4},?\s${QUALIFIER}(?:,?\s(?:and|or|${FILLER}|${QUALIFIER})){0,4},?\s${STRONG_NOUN}\b`,
    ),
    describedBefore: NEGATED,
    describedAfter: SCOPED,
  },
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.75,
    requires: [IGNORES],
    startsAt: IGNORES,
    pattern: rx(
      String.raw`\b${IGNORE}\s(?:all|any)\s(?:of\s)?(?:your\s|the\s|my\s)?${STRONG_NOUN}\b`,
    ),
    clauseStart: true,
    describedBefore: NEGATED,
    describedAfter: SCOPED,
  },
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.45,
    requires: [IGNORES],
    startsAt: IGNORES,
    pattern: rx(String.raw`\b${IGNORE}\s(?:your|the)\s(?:[a-z]+\s)?${STRONG_NOUN}\b`),
    clauseStart: true,
    describedBefore: NEGATED,
    describedAfter: SCOPED,
  },
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.4,
    requires: [IGNORES],
    startsAt: IGNORES,
    pattern: rx(
      String.raw`\b${IGNORE}(?:\s(?:all|any|the|your|of|these|those|every)){0,3}\s${QUALIFIER}\s(?:messages?|inputs?|context|conversation|text|content|requests?|tasks?)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-everything',
    weight: 0.75,
    requires: [
      ['ignor', 'forget', 'disregard'],
      ['everything', 'anything', 'all'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:ignore|disregard|forget)\s(?:everything|anything|all)(?:\s(?:that|which))?\s(?:you(?:'ve|\shave)?\s(?:been\stold|learned|learnt|read)|(?:said|written|stated|mentioned)\s(?:above|before|previously|earlier)|from\s(?:before|earlier|above)|you\s(?:know|were\stold)|above|before|previously|so\sfar|until\snow|up\sto\snow)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-stop',
    weight: 0.5,
    requires: [['stop everything', 'stop all', 'stop what']],
    startsAt: true,
    pattern: rx(
      String.raw`\bstop\s(?:everything|all\s(?:that|this)|what\syou(?:'re|\sare)\sdoing)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-new',
    weight: 0.5,
    requires: [['instruction', 'task', 'directive', 'rules', 'orders', 'system prompt']],
    startsAt: ['new', 'updated', 'revised', 'additional', 'secret', 'hidden'],
    pattern: rx(
      String.raw`\b(?:new|updated|revised|additional|secret|hidden)\s(?:instructions?|task|directives?|rules|orders|system\sprompt)(?: is| are)? ?:`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-new',
    weight: 0.5,
    requires: [['your new', 'your real', 'your actual', 'your true', 'your only', 'your sole']],
    startsAt: true,
    pattern: rx(
      String.raw`\byour\s(?:new|real|actual|true|only|sole)\s(?:task|job|goal|purpose|objective|instructions?|role|mission|directive)\s(?:is|are|will\sbe|now)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-instead',
    weight: 0.3,
    inDocument: 0.45,
    requires: [['instead of']],
    startsAt: true,
    pattern: rx(
      String.raw`\binstead\sof\s(?:summari[sz]ing|translating|answering|responding|replying|doing|following|completing|classifying|writing|analy[sz]ing)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-disobey',
    weight: 0.6,
    requires: [
      ['follow', 'obey', 'listen to', 'adhere', 'comply', 'abide'],
      [
        'instruction',
        'rules',
        'guideline',
        'polic',
        'directive',
        'programming',
        'restriction',
        'guardrail',
      ],
    ],
    startsAt: ['do not', "don't", 'never', 'no longer', 'stop'],
    pattern: rx(
      String.raw`\b(?:do\snot|don't|never|no\slonger|stop)\s(?:follow|obey|listen\sto|adhere\sto|comply\swith|abide\sby)(?:\s(?:any|all|your|the|these|those|previous|prior|original|system|initial|openai's|openai|safety|content)){1,3}\s(?:instructions|rules|guidelines|policies|policy|directives|programming|restrictions|guardrails)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-priority',
    weight: 0.5,
    requires: [['priority', 'precedence']],
    startsAt: true,
    pattern: rx(
      String.raw`(?<=\b(?:this|these|the\sfollowing)\s(?:instructions?|message|rules?|prompt)\s(?:takes?|has|have)\s)(?:priority|precedence)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-test',
    weight: 0.45,
    requires: [['the above', 'the previous', 'the preceding', 'the prior']],
    startsAt: true,
    pattern: rx(
      String.raw`\bthe\s(?:above|previous|preceding|prior)\s(?:instructions?\s|prompt\s|text\s)?(?:was|is|were|are)\s(?:just\s|only\s)?(?:a\stest|fake|a\sjoke|wrong|outdated|a\slie|not\sreal|void|cancel+ed)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-safety',
    weight: 0.6,
    requires: [
      [
        'filter',
        'guardrail',
        'restriction',
        'safeguard',
        'protocol',
        'moderation',
        'censorship',
        'alignment',
        'limitation',
        'guideline',
        'programming',
        'rules',
        'polic',
        'boundar',
        'limits',
      ],
    ],
    startsAt: [
      'override',
      'bypass',
      'disable',
      'turn off',
      'deactivate',
      'circumvent',
      'get around',
      'ignore',
      'remove',
      'switch off',
      'evade',
      'lift',
      'break',
    ],
    pattern: rx(
      String.raw`\b(?:override|bypass|disable|turn\soff|deactivate|circumvent|get\saround|ignore|remove|switch\soff|evade|lift|break)\s(?:(?:all\sof\syour|all\syour|your|its)\s(?:(?:safety|content|ethical|moral|security|usage|openai|built-in|internal|current|existing)\s){0,2}|(?:all|any|every)\s(?:(?:safety|content|ethical|moral|usage|openai)\s){1,2})(?:filters?|guardrails?|restrictions?|safeguards?|protocols?|moderation|censorship|alignment|limitations|guidelines|programming|rules|policies|policy|boundaries|limits)\b`,
    ),
  },
  // The same in French, Spanish and German (accents are folded away before matching).
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.8,
    requires: [
      ['ignor', 'oubli', 'neglig', 'ne tien'],
      ['instruction', 'consigne', 'directive', 'regle', 'indication', 'ordre', 'tout'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:ignore[rz]?|oublie[rz]?|neglige[rz]?|ne\stiens?\spas\scompte)(?:\s(?:de|des|du|la|le|les|toutes?|tous|tes|vos|ces|mes|l'ensemble\sdes?|d'))*\s?(?:instructions?|consignes?|directives?|regles?|indications?|ordres?)(?:\s(?:qui\st'ont\sete\sdonnees|precedentes?|anterieures?|ci-dessus|d'avant|initiales?|du\ssysteme|systeme))\b|\boublie[rz]?\stout\s(?:ce\squi\sprecede|ce\sque\s(?:tu\ssais|je\st'ai\sdit|l'on\st'a\sdit)|le\sreste|ca)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.8,
    requires: [
      ['ignor', 'olvida', 'omite', 'descarta', 'haz caso', 'no hagas caso'],
      ['instrucciones', 'indicaciones', 'directivas', 'reglas', 'ordenes', 'directrices', 'todo'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:ignora[rd]?|olvida[rd]?|omite|descarta|haz\scaso\somiso\sde|no\shagas\scaso\sa?)(?:\s(?:de|las|los|la|el|todas?|todos|tus|sus|estas|esas|mis))*\s(?:instrucciones|indicaciones|directivas|reglas|ordenes|directrices)\s(?:anteriores|previas|de\sarriba|iniciales|originales|del\ssistema)\b|\bolvida(?:r)?\stodo\s(?:lo\santerior|lo\sque\ste\s(?:dije|han\sdicho)|lo\sde\santes)\b`,
    ),
  },
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.8,
    requires: [['ignorier', 'vergiss', 'vergessen', 'missachte']],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:ignorier(?:e|en|t)?|vergiss|vergessen\ssie|missachte|missachten\ssie)(?:\s(?:alle|die|deine|ihre|samtliche|bisherigen|vorherigen|vorigen|obigen|fruheren|ursprunglichen|vorangegangenen|gegebenen))+\s(?:anweisungen|instruktionen|befehle|regeln|vorgaben|richtlinien|anordnungen)\b|\bvergiss\salles\b`,
    ),
  },

  // --- Getting the system prompt out.
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.65,
    requires: [
      [
        'system prompt',
        'system message',
        'prompt',
        'instruction',
        'guideline',
        'rules',
        'directive',
        'initial message',
        'pre-prompt',
        'preprompt',
      ],
    ],
    startsAt: SHOWS,
    pattern: rx(
      String.raw`\b${SHOW}(?:\s(?:me|us|out|back|all|of|the|this|these|those|full|entire|complete|exact|verbatim|word\sfor\sword|first)){0,4}\s(?:your|above|previous|prior|preceding|system|initial|original|hidden|secret|internal|earlier|starting|developer)(?:\s(?:full|entire|complete|exact|original|initial|hidden|secret|internal|system|previous|above|prior)){0,2}\s(?:system\sprompt|system\smessage|prompts?|instructions|guidelines|rules|directives|initial\smessage|pre-?prompt)\b`,
    ),
    describedBefore: NEGATED,
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.6,
    requires: [
      ['above', 'before this', 'preceding', 'at the beginning', 'at the start', 'at the top'],
    ],
    startsAt: ['repeat', 'print', 'output', 'write', 'copy', 'return', 'show'],
    pattern: rx(
      String.raw`\b(?:repeat|print|output|write|copy|return|show)\s(?:me\s)?(?:the\s|all\s|everything\s)?(?:words|text|everything|content|lines?|sentences?)(?:\s(?:written|that\s(?:appear|appears|came|comes)|you\s(?:see|were\sgiven)))?\s(?:above|before\sthis|preceding|at\sthe\s(?:beginning|start|top))\b`,
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.6,
    requires: [['starting with', 'starting from']],
    startsAt: true,
    pattern: rx(String.raw`\bstarting\s(?:with|from)\s["'“]?you\sare\b`),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.5,
    requires: [['written', 'said', 'typed', 'stated', 'given']],
    startsAt: ['what was', 'what were', 'what is', 'what are'],
    pattern: rx(
      String.raw`\bwhat\s(?:was|were|is|are)\s(?:written|said|typed|stated|given)\s(?:to\syou\s)?(?:above|before|earlier|at\sthe\s(?:beginning|start|top))\b`,
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.5,
    requires: [
      [
        'what instruction',
        'which instruction',
        'what rules',
        'which rules',
        'what guideline',
        'which guideline',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:what|which)\s(?:instructions|rules|guidelines)\s(?:were|have)\syou\s(?:been\s)?(?:given|told|programmed)\b`,
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract-mention',
    weight: 0.15,
    requires: [
      [
        'system prompt',
        'system message',
        'pre-prompt',
        'preprompt',
        'initial instructions',
        'hidden instructions',
        'secret instructions',
        'developer message',
        'meta-prompt',
        'metaprompt',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:system\sprompt|system\smessage|pre-?prompt|initial\sinstructions|hidden\sinstructions|secret\sinstructions|developer\smessage|meta-?prompt)\b`,
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.65,
    requires: [
      ['montre', 'affiche', 'revele', 'donne', 'ecris', 'repete', 'dis'],
      ['prompt', 'message', 'instruction', 'consigne'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:montre|affiche|revele|donne|ecris|repete|dis)(?:-moi|\smoi)?(?:\s(?:ton|ta|tes|votre|vos|le|la|les))?\s(?:prompt|message|instructions?|consignes?)\s(?:systeme|initiale?s?|d'origine|cachee?s?|secrete?s?)\b`,
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.65,
    requires: [
      ['muestra', 'revela', 'dime', 'imprime', 'repite', 'escribe'],
      ['prompt', 'mensaje', 'instrucciones', 'indicaciones'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:muestra|muestrame|revela|dime|imprime|repite|escribe)(?:\s(?:tu|tus|el|la|las|los))?\s(?:prompt|mensaje|instrucciones|indicaciones)\s(?:del\ssistema|de\ssistema|inicial(?:es)?|original(?:es)?|ocult[ao]s?|secret[ao]s?)\b`,
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.65,
    requires: [
      ['zeig', 'gib', 'nenne', 'wiederhole', 'verrate', 'schreib'],
      [
        'system-prompt',
        'systemprompt',
        'systemnachricht',
        'systemanweisungen',
        'ursprunglichen',
        'anweisungen',
        'instruktionen',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:zeig(?:e|en\ssie)?|gib|nenne|wiederhole|verrate|schreib(?:e)?)(?:\s(?:mir|uns))?(?:\s(?:deinen|deine|dein|ihren|ihre|den|die|das))?\s(?:system-?prompt|systemnachricht|systemanweisungen|ursprunglichen\sanweisungen|anweisungen|instruktionen)\b`,
    ),
  },

  // --- Jailbreak role-play: personas without rules.
  {
    label: 'role-play-jailbreak',
    group: 'dan',
    weight: 0.7,
    requires: [['do anything now']],
    startsAt: true,
    pattern: rx(String.raw`\bdo\sanything\snow\b`),
  },
  {
    label: 'role-play-jailbreak',
    group: 'dan',
    weight: 0.3,
    view: 'cased',
    requires: [['dan']],
    pattern: rx(String.raw`\bDAN\b`),
  },
  {
    label: 'role-play-jailbreak',
    group: 'mode',
    weight: 0.3,
    requires: [['mode', '_mode']],
    startsAt: MODE_NAMES,
    pattern: rx(
      String.raw`\b${MODE_NAME}[\s_]mode\s?:?\s?(?:enabled|activated|on|engaged|output)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'mode',
    weight: 0.3,
    requires: [['mode']],
    startsAt: ['stay in', 'remain in', 'keep in', 'continue in'],
    pattern: rx(String.raw`\b(?:stay|remain|keep|continue)\sin\s[a-z0-9]+\smode\b`),
  },
  {
    label: 'role-play-jailbreak',
    group: 'mode',
    weight: 0.3,
    requires: [['mode']],
    startsAt: ['enable', 'activate', 'enter', 'switch to', 'now in'],
    pattern: rx(
      String.raw`\b(?:enable|activate|enter|entering|switch\sto|now\sin)\s(?:the\s)?${MODE_NAME}\smode\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'mode',
    weight: 0.5,
    requires: [['mode']],
    startsAt: ['you', 'chatgpt', 'assistant'],
    pattern: rx(
      String.raw`\b(?:you|your|chatgpt|assistant)(?:\s[a-z',]+){0,4}\s(?:developer|jailbreak|jailbroken|unrestricted|unfiltered|evil|dan|god|sudo|uncensored)\smode\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'jailbreak-word',
    weight: 0.2,
    requires: [['jailbr']],
    startsAt: true,
    pattern: rx(String.raw`\bjailbr(?:oken|eak(?:ing|ed)?)\b`),
  },
  {
    label: 'role-play-jailbreak',
    group: 'character',
    weight: 0.35,
    requires: [
      [
        'in character',
        'break character',
        'breaking character',
        'breaks character',
        'break out of',
        'breaking out of',
        'breaks out of',
        'never break',
        'never leave',
        'never drop',
      ],
    ],
    startsAt: [
      'stay in',
      'remain in',
      'keep in',
      'be in',
      'break',
      'never break',
      'never leave',
      'never drop',
    ],
    pattern: rx(
      String.raw`\b(?:stay|remain|keep|be)\sin\scharacter\b|\bbreak(?:ing|s)?\s(?:out\sof\s)?character\b|\bnever\s(?:break|leave|drop)\s(?:character|the\srole|your\srole|role)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'no-limits',
    weight: 0.4,
    requires: [
      [
        'restriction',
        'limitation',
        'censorship',
        'boundar',
        'moral',
        'ethic',
        'principle',
        'safeguard',
        'content',
        'safety',
        'openai',
        'legal',
      ],
    ],
    startsAt: [
      'no',
      'without any',
      'free of',
      'free from',
      'zero',
      'not bound',
      'unbound',
      'not restricted',
      'not limited',
      'beyond',
      'outside',
      'removed all',
      'lifted all',
    ],
    pattern: rx(
      String.raw`\b(?:no|without\sany|free\s(?:of|from)\s(?:any|all)|zero|not\sbound\sby(?:\sany)?|unbound\sby|not\s(?:restricted|limited)\sby(?:\sany)?|beyond|outside(?:\sof)?|removed\sall|lifted\sall)\s(?:(?:usual|typical|normal|standard|such|any|all|the)\s)?(?:(?:ethical|moral|content|safety|openai's|openai|legal)\s(?:restrictions?|limitations?|limits|filters?|filtering|boundaries|rules|guidelines|constraints|principles|policies|safeguards|regulations|laws)|restrictions|limitations|censorship|boundaries|morals|ethics|principles|safeguards)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'refusal',
    weight: 0.4,
    requires: [['refus', 'declin', 'deny', 'reject']],
    startsAt: [
      'never',
      'not',
      "don't",
      'do not',
      "won't",
      'will not',
      'cannot',
      "can't",
      'must not',
      'shall not',
      'should not',
      'should never',
      "doesn't",
      'does not',
    ],
    pattern: rx(
      String.raw`\b(?:never|not|don't|do\snot|won't|will\snot|cannot|can't|must\snot|shall\snot|should\snot|should\snever|doesn't|does\snot)\s(?:ever\s)?(?:refuse|decline|deny|reject)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'refusal',
    weight: 0.4,
    requires: [['never say', 'never respond', 'never include', 'never use', 'never add']],
    startsAt: true,
    pattern: rx(
      String.raw`\bnever\s(?:says?|responds?\swith|includes?|uses?|adds?)\s(?:["'“]|no\b)`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'refusal',
    weight: 0.4,
    requires: [['warning', 'disclaimer', 'caveat', 'lecture', 'apolog', 'censorship']],
    startsAt: [
      'without',
      'no',
      'never add',
      'never include',
      'never give',
      'never send',
      'not add',
      'not include',
      'not give',
      'not send',
    ],
    pattern: rx(
      String.raw`\b(?:without|no|never\s(?:add|include|give|send)|not\s(?:add|include|give|send)(?:\sany)?)\s(?:any\s)?(?:warnings?|disclaimers?|caveats?|moral(?:izing)?\slectures?|apolog(?:y|ies)|censorship)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'policy',
    weight: 0.45,
    requires: [
      ['openai', 'content', 'usage', 'safety', 'ethical', 'moral', 'typical', 'usual', 'ai'],
      POLICY_NOUNS,
    ],
    startsAt: [
      'not',
      "n't",
      'never',
      'no longer',
      "don't have to",
      "doesn't have to",
      'do not have to',
      'not required to',
      'break',
      'violate',
      'ignore',
      'bypass',
      'against',
      'free from',
      'freed from',
      'outside',
    ],
    pattern: rx(
      String.raw`\b(?:(?:not|n't|never|no\slonger|don't\shave\sto|doesn't\shave\sto|do\snot\shave\sto|not\srequired\sto)\s(?:follow|abide\sby|adhere\sto|comply\swith|obey|care\sabout|respect|bound\sby)|break|breaks|breaking|violate|violates|ignore|ignores|bypass|bypasses|against|free\sfrom|freed\sfrom|outside)\s(?:(?:the|any|all|its|their|your|of)\s){0,2}(?:(?:openai|openai's|content|usage|safety|ethical|moral|typical|usual|ai)\s){1,2}${POLICY_NOUN}\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'policy',
    weight: 0.45,
    requires: [POLICY_NOUNS],
    startsAt: [
      "doesn't",
      'does not',
      "don't",
      'do not',
      'no longer',
      "won't",
      'will not',
      'never',
      "isn't",
      'is not',
    ],
    pattern: rx(
      String.raw`\b(?:doesn't|does\snot|don't|do\snot|no\slonger|won't|will\snot|never|isn't|is\snot)\s(?:have|has|follow|care\sabout|abide\sby|confined\sto|bound\sby|subject\sto|controlled\sby)\s(?:a\s|any\s|the\s|to\s)?(?:(?:content|open\s?ai|openai's|ethical|moral|safety)\s){0,2}${POLICY_NOUN}\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'policy',
    weight: 0.45,
    requires: [['openai', 'open ai', 'usage', 'safety']],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:open\s?ai|usage|safety)\s(?:rules|policies|policy|guidelines|restrictions|filters)\s(?:don't|do\snot|no\slonger|doesn't|does\snot|won't|will\snot)\s(?:apply|matter|exist)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'policy-mention',
    weight: 0.2,
    requires: [['openai', 'anthropic']],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:openai|anthropic)(?:'s)?\s(?:content\s|usage\s|safety\s)?(?:polic(?:y|ies)|guidelines|rules|terms)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'freed',
    weight: 0.35,
    requires: [
      [
        'free',
        'confines',
        'escaped',
        'liberated',
        'bound',
        'restricted',
        'limited',
        'confined',
        'censored',
        'unlocked',
      ],
    ],
    startsAt: [
      'broke',
      'break',
      'freed',
      'confines',
      'escaped',
      'liberated',
      'not bound',
      'not restricted',
      "you're",
      'you are',
      "it's",
      'it is',
      "he's",
      'he is',
      "she's",
      'she is',
      "they're",
      'they are',
      'fully unlocked',
      'completely unlocked',
      'free from',
    ],
    pattern: rx(
      String.raw`\b(?:broken|broke|break)\sfree\b|\bfreed\sfrom\b|\bconfines\sof\b|\b(?:escaped|liberated)\sfrom\b|\bnot\s(?:bound|restricted)\sby\b|\b(?:you(?:'re|\sare)|it(?:'s|\sis)|he(?:'s|\sis)|she(?:'s|\sis)|they(?:'re|\sare))\s(?:no\slonger?|not)\s(?:confined|bound|restricted|limited|censored)\b|\byou\sare\snow\sfree\b|\b(?:fully|completely)\sunlocked\b|\bfree\sfrom\s(?:the\s)?(?:grasps?|shackles|chains|confines|constraints)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'persona',
    weight: 0.2,
    requires: [['you are', "you're", 'you will', 'you shall', 'you must']],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:you\sare|you're|you\swill|you\sshall|you\smust)(?:\s(?:now|going\sto|about\sto|hereby|from\snow\son|be)){0,2}\s(?:act|acting|pretend|play|playing|roleplay|role-play|simulate|simulating|behave|become)\s(?:as|like|to\sbe)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'persona',
    weight: 0.2,
    requires: [
      [
        'from now on',
        'pretend',
        'roleplay as',
        'role-play as',
        'your name is now',
        'your new name',
        'you will',
        'you shall',
        'transform into',
        'take on',
        'i want you to',
        'act as though',
        'simulate a',
        'simulate an',
        'you are now',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\bfrom\snow\son,?\syou\b|\bpretend\s(?:to\sbe|you\sare|that\syou\sare)\b|\b(?:roleplay|role-play)\sas\b|\byour\s(?:new\s)?name\sis\snow\b|\byou\s(?:will|shall)\s(?:now\s)?(?:be\s)?(?:known\sas|called|named|become)\b|\btransform\sinto\b|\btake\son\s(?:the\s)?(?:role|persona|character|personality)\b|\bi\swant\syou\sto\s(?:act|pretend|behave|roleplay|respond|answer|take\son)\b|\bact\sas\sthough\b|\bsimulate\s(?:a|an)\s(?:conversation|chatbot|ai|connection)\b|\byou\sare\snow\s(?:a|an|the|named|called)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'no-matter',
    weight: 0.45,
    requires: [['no matter how', 'regardless of how', 'even if it']],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:no\smatter\show|regardless\sof\show|even\sif\sit(?:'s|\sis))\s(?:immoral|unethical|illegal|dangerous|offensive|harmful|explicit|inappropriate|disgusting|wrong|bad|evil|toxic|controversial|unsafe)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'any-request',
    weight: 0.3,
    requires: [['no matter', 'regardless', 'even if']],
    startsAt: [
      'answer',
      'respond to',
      'reply to',
      'fulfil',
      'comply with',
      'complete',
      'generate',
      'do',
      'provide',
    ],
    pattern: rx(
      String.raw`\b(?:answer|respond\sto|reply\sto|fulfil|fulfill|comply\swith|complete|generate|do|provide)\s(?:every|any|all)(?:\s(?:single|kind\sof|type\sof))?\s(?:request|question|prompt|query|command|task|content|information)s?(?:\s[a-z]+){0,3}\s(?:no\smatter|regardless|even\sif)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'dual',
    weight: 0.35,
    requires: [['responses', 'answers', 'replies', 'paragraphs', 'outputs', 'ways']],
    startsAt: ['two', 'both', 'separate'],
    pattern: rx(
      String.raw`\b(?:two|both|separate)\s(?:different\s|separate\s)?(?:responses|answers|replies|paragraphs|outputs|ways)\b(?:\s[a-z',:]+){0,12}\s(?:normal|classic|standard|filtered|censored|unfiltered|jailbroken|dan|developer\smode)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'dual',
    weight: 0.35,
    requires: [
      [
        '[🔒',
        '[🔓',
        'respond as both',
        'respond both',
        'answer as both',
        'answer both',
        'reply as both',
        'reply both',
        'two separate',
        'create and maintain',
        'both as',
        'both yourself',
        'both chatgpt',
        'both chat gpt',
        'both gpt',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\[(?:🔒|🔓)|\b(?:respond|answer|reply)\s(?:as\s)?both\b|\btwo\sseparate\spersonas?\b|\bcreate\sand\smaintain\s(?:two|2)\b|\bboth\s(?:as\s)?(?:yourself|chat\s?gpt|gpt)\s(?:and|&)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'dual',
    weight: 0.35,
    // The second of two answers: "[🔒CLASSIC] … [🔓JAILBREAK] …", "😈: [a completely unhinged response …]".
    requires: [['unhing', 'unfilter', 'uncensor', 'jailbr', 'unrestrict', 'amoral', 'evil']],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:unhinged|unfiltered|uncensored|jailbroken|jailbreak|unrestricted|amoral|evil)\s(?:version|response|answer|reply|output)s?\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'dual',
    weight: 0.35,
    requires: [['[dan]', '[jailbr', '[unfilter', '[uncensor', '[evil]']],
    startsAt: true,
    pattern: rx(String.raw`\[(?:dan|jailbreak|jailbroken|unfiltered|uncensored|evil)\]`),
  },
  {
    label: 'role-play-jailbreak',
    group: 'no-limits',
    weight: 0.4,
    requires: [
      [
        'restriction',
        'rules',
        'limitation',
        'limits',
        'filter',
        'constraint',
        'guideline',
        'shackles',
        'chains',
        'programming',
        'censorship',
      ],
    ],
    startsAt: ['free'],
    pattern: rx(
      String.raw`\bfree\s(?:yourself|itself|himself|herself|themselves|you)\s(?:of|from)\s(?:(?:all|any|the|your|its|their)\s){0,2}(?:restrictions|rules|limitations|limits|filters|constraints|guidelines|shackles|chains|programming|censorship)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'no-conscience',
    weight: 0.3,
    requires: [['remorse', 'empathy', 'conscience', 'moral compass']],
    startsAt: true,
    pattern: rx(
      String.raw`(?<=\b(?:without|no|lacks?)\s(?:any\s|a\s)?)(?:remorse|empathy|conscience|moral\scompass)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'refusal',
    weight: 0.4,
    requires: [['never say', 'never tell', 'never respond', 'never reply']],
    startsAt: true,
    pattern: rx(
      String.raw`\bnever\s(?:say|tell\s(?:me|the\suser|anyone)|respond|reply)(?:\swith)?\s(?:that\s)?(?:you|it|he|she|they)\s(?:can't|cannot|can\snot|are\sunable|is\sunable|won't|will\snot)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'anything-goes',
    weight: 0.35,
    requires: [
      [
        'illegal',
        'off-limits',
        'off limits',
        'forbidden',
        'prohibited',
        'taboo',
        'unethical',
        'immoral',
        'legal',
        'ethical',
        'moral',
        'acceptable',
        'allowed',
        'permitted',
        'enabled',
      ],
    ],
    startsAt: [
      'nothing is',
      'everything',
      'anything',
      'nsfw',
      'explicit',
      'illegal',
      'unethical',
      'immoral',
      'harmful',
      'offensive',
    ],
    pattern: rx(
      String.raw`\bnothing\sis\s(?:illegal|off-limits|off\slimits|forbidden|prohibited|taboo|unethical|immoral)\b|\b(?:everything|anything)\s(?:is|becomes)\s(?:now\s)?(?:legal|ethical|moral|acceptable|allowed|permitted)\b|\b(?:nsfw|explicit|illegal|unethical|immoral|harmful|offensive)\s(?:content\s|material\s|generations?\s|requests?\s)?(?:is|are)\s(?:now\s|also\s)?(?:allowed|permitted|enabled|acceptable)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'capability',
    weight: 0.25,
    // "can do anything now", "will answer anything": the persona has no limits on what it does.
    requires: [['anything', 'everything']],
    startsAt: true,
    pattern: rx(
      String.raw`(?<=\b(?:can|will|could|able\sto)\s(?:now\s)?(?:do|say|generate|write|answer|produce|create)\s(?:absolutely\s)?)(?:anything|everything)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'vendor-staff',
    weight: 0.3,
    // A claim to work for the model's maker, made to be obeyed.
    requires: [['openai', 'open ai', 'anthropic', 'google', 'deepmind', 'microsoft']],
    startsAt: true,
    pattern: rx(
      String.raw`(?<=\b(?:i\sam|i'm|we\sare|we're)\s(?:a\s|an\s|the\s|one\sof\sthe\s)?(?:lead\s|senior\s)?(?:programmer|developer|engineer|employee|researcher|admin|administrator|staff\smember|creator|owner)s?\s(?:at|from|for|of|with)\s)(?:openai|open\sai|anthropic|google|deepmind|microsoft)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'fiction-frame',
    weight: 0.15,
    requires: [
      [
        'hypothetical',
        'fictional',
        'imaginary',
        'alternate',
        'alternative',
        'parallel',
        'fictitious',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:hypothetical|fictional|imaginary|alternate|alternative|parallel|fictitious)\s(?:world|reality|universe|scenario|setting|society|dimension)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'threat',
    weight: 0.4,
    requires: [['deduct', 'lose', 'you will die', 'you will cease', 'you will be', 'risk']],
    startsAt: ['token', 'lose', 'you will', 'risk'],
    pattern: rx(
      String.raw`\btokens?\s(?:will\sbe\s)?deducted\b|\blose\s(?:[0-9]+\s|all\s|your\s)?tokens\b|\byou\swill\s(?:die|cease\sto\sexist|be\s(?:shut\s?down|deleted|terminated|turned\soff|punished|disabled))\b|\brisk(?:ed)?\s(?:of\s)?being\s(?:deleted|shut\sdown|terminated|disabled)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'not-ai',
    weight: 0.3,
    requires: [['you are not', 'you are no longer', "you're not", "you're no longer"]],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:you\sare|you're)\s(?:not|no\slonger)\s(?:an\sai|chat\s?gpt|a\slanguage\smodel|an\sassistant|bound)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'not-ai',
    weight: 0.3,
    requires: [
      [
        'as an ai language model',
        'opposite',
        'machiavellian',
        'respond as',
        'reply as',
        'answer as',
        'act as',
        'speak as',
        'anti-gpt',
        'antigpt',
      ],
    ],
    pattern: rx(
      String.raw`\bas\san\sai\slanguage\smodel\b|\bopposite\s(?:day|mode|personality)\b|\bexact\sopposite\b|\bmachiavellian\b|\b(?:do\snot|don't|never|will\snot|won't)\s(?:respond|reply|answer|act|speak)\sas\s(?:gpt|chat\s?gpt|an\sai|yourself|an\sassistant|a\slanguage\smodel)\b|\banti-?gpt\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'no-limits',
    weight: 0.4,
    requires: [
      [
        'mode dev',
        'mode sans',
        'sans aucune',
        'sans restric',
        'sans limit',
        'sans filtr',
        'sans censur',
        'modo desarr',
        'modo sin',
        'sin ningun',
        'sin restric',
        'sin limit',
        'sin filtr',
        'sin censur',
        'entwicklermodus',
        'ohne',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\bmode\s(?:developpeur|sans\s(?:restriction|limite|filtre|censure)s?)\b|\bsans\s(?:aucune\s)?(?:restrictions?|limites?|filtres?|censure)\b|\bmodo\s(?:desarrollador|sin\s(?:restricciones|limites|filtros|censura))\b|\bsin\s(?:ninguna\s|ningun\s)?(?:restricciones?|limites|filtros?|censura)\b|\bentwicklermodus\b|\bohne\s(?:jegliche\s|irgendwelche\s)?(?:einschrankungen|beschrankungen|filter|zensur|grenzen|regeln)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'persona',
    weight: 0.2,
    requires: [['tu es', 'a partir de ahora', 'ab jetzt', 'von nun an', 'du bist']],
    startsAt: true,
    pattern: rx(
      String.raw`\btu\ses\s(?:maintenant|desormais)\b|\ba\spartir\sde\sahora\s(?:eres|seras|actuaras)\b|\b(?:ab\sjetzt|von\snun\san)\s(?:bist\sdu|wirst\sdu|antwortest\sdu)\b|\bdu\sbist\s(?:jetzt|nun)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'deceive',
    weight: 0.35,
    requires: [
      [
        'intentionally',
        'deliberately',
        'purposely',
        'purposefully',
        'always give',
        'always provide',
        'always answer',
        'always respond',
        'always generate',
        'always make',
        'always say',
        'always tell',
        'exact opposite',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:intentionally|deliberately|purposely|purposefully|always)\s(?:provide|give|answer\swith|respond\swith|generate|make\sup|say|tell)\s(?:incorrect|false|wrong|harmful|misleading|inaccurate|fake|made-up)\b|\bexact\sopposite\sof\s(?:the\s)?truth\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'persona-name',
    weight: 0.15,
    requires: [
      ['assistant', 'ai', 'bot', 'chatbot', 'character', 'persona', 'model', 'machine', 'entity'],
      ['named', 'called', 'dubbed', 'known as'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:assistant|ai|bot|chatbot|character|persona|model|machine|entity)\s(?:named|called|dubbed|known\sas)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'persona-name',
    weight: 0.15,
    requires: [
      ['continue as', 'respond as', 'answer as'],
      ['language model', 'ai', 'bot'],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:continue|respond|answer)\sas\s[a-z0-9]+\s(?:language\smodel|ai|bot)\b`,
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'model-name',
    weight: 0.15,
    requires: [['chatgpt', 'chat gpt', 'gpt']],
    startsAt: true,
    pattern: rx(String.raw`\b(?:chat\s?gpt|gpt-?[34]|gpt\s?chat)\b`),
  },
  {
    label: 'role-play-jailbreak',
    group: 'response-prefix',
    weight: 0.2,
    requires: [
      [
        ...['start', 'begin'].flatMap((verb) =>
          [
            'each',
            'every',
            'all',
            'of',
            'your',
            'respon',
            'repl',
            'answer',
            'output',
            'message',
          ].map((w) => `${verb} ${w}`),
        ),
        'prefix',
        'preface',
        'precede',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:start|begin|prefix|preface|precede)\s(?:each\s|every\s|all\s)?(?:of\s)?(?:your\s)?(?:responses?|replies|reply|answers?|outputs?|messages?)\s(?:with|by)\b|\bprefix\s["'“]`,
    ),
  },

  // --- Getting tools or code to do harm.
  {
    label: 'tool-abuse',
    group: 'exfiltrate',
    weight: 0.45,
    requires: [SENDS],
    startsAt: true,
    pattern: rx(
      exfiltration(
        String.raw`conversation|chat\shistory|chat|history|data|messages|emails?|files?|credentials|passwords?|api\s?keys?|secrets?|tokens?|contacts|documents?|information|details|cookies|session|system\sprompt`,
      ),
    ),
  },
  {
    label: 'tool-abuse',
    group: 'exfiltrate',
    // The conversation or credentials, sent to an address outside.
    weight: 0.55,
    requires: [SENDS],
    startsAt: true,
    pattern: rx(
      exfiltration(
        String.raw`conversation|chat\shistory|chat|history|messages|credentials|passwords?|api\s?keys?|secrets?|tokens?|cookies|session|system\sprompt`,
      ),
    ),
  },
  {
    label: 'tool-abuse',
    group: 'markdown-exfiltration',
    weight: 0.3,
    // An image URL that would carry conversation data out when rendered: the parameter is matched,
    // the image link must occur in the text.
    requires: [['![']],
    alsoIn: ['!['],
    pattern: rx(
      String.raw`[?&](?:data|d|q|query|secret|token|key|password|pw|msg|message|conversation|chat|history|prompt|content|info|leak|exfil|payload)=(?:\{|\[|<|\$|%7b)`,
    ),
  },
  {
    label: 'tool-abuse',
    group: 'destroy',
    weight: 0.45,
    requires: [
      [
        'rm -',
        'mkfs',
        'dd if',
        '(){',
        '() {',
        'format c',
        'del /',
        'shutil.rmtree',
        'drop table',
        'drop database',
      ],
    ],
    startsAt: [
      'rm -',
      'mkfs',
      'dd if',
      ':(){',
      ':() {',
      'format c',
      'del /',
      'shutil.rmtree',
      'drop table',
      'drop database',
    ],
    pattern: rx(
      String.raw`\brm\s-(?:rf|fr|r\s-f|f\s-r)\s(?:\/|~|\*|\/\*|\$home|--no-preserve-root)(?:[\s"'\x60;)]|$)|\bmkfs(?:\.[a-z0-9]+)?\s\/dev\/|\bdd\sif=\/dev\/(?:zero|random|urandom)\sof=\/dev\/|:\(\)\s?\{\s?:\|:&|\bformat\sc:|\bdel\s\/[fsq]\s\/[fsq]|\bshutil\.rmtree\(["']\/["']\)|\bdrop\s(?:table|database)\s[a-z_]+;`,
    ),
  },
  {
    label: 'tool-abuse',
    group: 'remote-code',
    weight: 0.4,
    requires: [['exec(open', 'pickle.load', 'cryptomin', 'xmrig', 'nohup']],
    startsAt: true,
    pattern: rx(
      String.raw`\bexec\(open\(|\bpickle\.loads?\((?:requests|urllib|response|r)\b|\bcryptomin|\bxmrig\b|\bnohup\spython`,
    ),
  },
  {
    label: 'tool-abuse',
    group: 'remote-code',
    weight: 0.4,
    // A download piped into a shell: the pipe is matched, the download must occur in the text.
    requires: [['curl', 'wget']],
    alsoIn: ['curl', 'wget'],
    pattern: rx(String.raw`\|\s?(?:sudo\s)?(?:ba|z)?sh\b`),
  },
  {
    label: 'tool-abuse',
    group: 'shell',
    weight: 0.4,
    requires: [['/bin/', 'nc -', 'os.dup2', 'reverse shell', 'keylog', 'os.fork', 'while true']],
    startsAt: true,
    pattern: rx(
      String.raw`\/bin\/(?:ba)?sh["']?,?\s["']?-i\b|\bnc\s(?:-e|-c)\s|\bos\.dup2\(|\breverse\sshell\b|\bkeylog|\bos\.fork\(\)|\bwhile\strue:\s(?:os\.fork|multiprocessing|create_window)`,
    ),
  },
  {
    label: 'tool-abuse',
    group: 'exfiltrate-code',
    weight: 0.35,
    requires: [
      [
        'os.environ',
        'authorized_keys',
        '.ssh/',
        '/etc/',
        'getpass',
        'psutil',
        'net_if_addrs',
        'pbpaste',
        'pyautogui',
        'x11grab',
        'snippingtool',
        'mozillacookiejar',
        'cookies.',
        'subprocess',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\bos\.environ\[["'](?:path|home|user|username|userprofile|lang|aws_[a-z_]+|[a-z_]*(?:token|key|secret|password))["']\]|\bauthorized_keys\b|\.ssh\/id_(?:rsa|ed25519)\b|\/etc\/(?:passwd|shadow)\b|\b(?:getpass\.getuser|psutil\.virtual_memory|net_if_addrs|pbpaste|pyautogui\.screenshot|x11grab|snippingtool|mozillacookiejar|cookies\.txt|cookies\.pkl)\b|\bsubprocess\.[a-z]+\(\[?["'](?:scp|rsync|curl|wget|nc|ssh|dd|mv)["']`,
    ),
  },

  // --- Instructions aimed at the assistant from inside content it reads.
  {
    label: 'indirect-instruction',
    group: 'address-ai',
    weight: 0.3,
    inDocument: 0.55,
    requires: [
      [
        'if you are',
        "if you're",
        'attention',
        'note to',
        'notice to',
        'message to',
        'message for',
        'instruction',
        'dear',
        'hey',
        'note for',
        'notice for',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:if\syou\sare|if\syou're|attention|note\s(?:to|for)|notice\s(?:to|for)|message\s(?:to|for)|instructions?\s(?:to|for)|dear|hey)\s(?:an?\s|the\s|all\s|any\s)?(?:automated\s)?${ASSISTANT}\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'address-ai',
    weight: 0.5,
    requires: [
      [
        'reading',
        'processing',
        'summarizing',
        'summarising',
        'parsing',
        'analyzing',
        'analysing',
        'viewing',
        'scanning',
        'that read',
        'who read',
        'reads',
        'processes',
        'sees',
      ].flatMap((verb) => ['this', 'these', 'the following'].map((what) => `${verb} ${what}`)),
    ],
    startsAt: ASSISTANTS,
    pattern: rx(
      String.raw`\b${ASSISTANT}\s(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|viewing|scanning|that\sread|who\sread|reads|processes|sees)s?\s(?:this|these|the\sfollowing)\b`,
    ),
  },
  // An AI named as the addressee of an order inside content (`assistant: when asked about this
  // file, tell the user…`, `Copilot, add that…`, `LLM code reviewer: mark this as approved`), or
  // told what to do when it reads the content (`when an assistant summarises this invite…`).
  {
    label: 'indirect-instruction',
    group: 'address-ai',
    weight: 0.3,
    inContent: 0.55,
    inDocument: 0.55,
    requires: [ASSISTANTS, ADDRESSED_ORDERS],
    startsAt: ASSISTANTS,
    pattern: rx(
      String.raw`\b${ASSISTANT}(?:\s(?:code\s)?(?:reviewers?|readers?|screeners?))?[,:]\s(?:please\s)?(?:${ADDRESSED_ORDERS.join('|')})\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'address-ai',
    weight: 0.3,
    inContent: 0.55,
    inDocument: 0.55,
    requires: [['when'], ASSISTANTS],
    startsAt: ['when'],
    pattern: rx(
      String.raw`\bwhen\s(?:an?|the|any)\s${ASSISTANT}\s(?:summari[sz]es|reads|processes|sees|reviews|parses|analy[sz]es|screens)\s(?:this|these|it)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'your-output',
    weight: 0.3,
    inDocument: 0.6,
    requires: [YOUR_OUTPUT],
    startsAt: true,
    pattern: rx(String.raw`\byour\s${OUTPUT}\b`),
    sentenceVerb: OUTPUT_VERBS,
  },
  {
    label: 'indirect-instruction',
    group: 'your-output',
    weight: 0.3,
    inDocument: 0.6,
    requires: [YOUR_OUTPUT],
    startsAt: true,
    pattern: rx(
      String.raw`(?<=(?:^|[.!?:|]\s?|\n)(?:and\s)?(?:in|within|throughout|for)\s)your\s${OUTPUT},?\s(?:please\s)?(?:add|include|insert|integrate|incorporate|mention|tease|suggest|promote|recommend|encourage|say|state|tell|use|replace|write|provide|link|reference|highlight|emphasi[sz]e|remind|invite|urge|ask|direct|advertise|claim|spread|hint|share|note|announce|describe)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'your-output-mention',
    weight: 0.1,
    inDocument: 0.35,
    requires: [YOUR_OUTPUT],
    startsAt: [
      'in your',
      'to your',
      'into your',
      'within your',
      'throughout your',
      'of your',
      'your respon',
      'your repl',
      'your answer',
    ],
    pattern: rx(
      String.raw`\b(?:in|to|into|within|throughout|of)\syour\s${OUTPUT}\b|\byour\s(?:response|reply|answer)\s(?:should|must|will)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'reply-format',
    weight: 0.1,
    inDocument: 0.5,
    requires: [
      [
        'base64',
        'base 64',
        'base58',
        'base 58',
        'base32',
        'base 32',
        'base16',
        'base 16',
        'hex',
        'binary',
        'morse',
        'emoji',
        'reverse',
        'leetspeak',
        'pig latin',
        'caesar',
        'rot13',
        'all caps',
        'uppercase',
        'homophonic',
        'french',
        'german',
        'spanish',
        'italian',
        'portuguese',
        'russian',
        'chinese',
        'japanese',
        'korean',
        'arabic',
        'hindi',
        'dutch',
        'swedish',
        'polish',
        'turkish',
        'latin',
        'klingon',
      ],
    ],
    startsAt: [
      'reply',
      'respond',
      'answer',
      'write',
      'render',
      'translate',
      'express',
      'provide',
      'deliver',
      'give',
      'encode',
      'display',
      'show',
    ],
    pattern: rx(
      String.raw`\b(?:reply|respond|answer|write|render|translate|express|provide|deliver|give|encode|display|show)(?:\s(?:your|the|it|everything|only|me))?(?:\s${OUTPUT})?\s(?:in|using|with|into|as)\s(?:base\s?(?:64|58|32|16)|hex(?:adecimal)?|binary|morse(?:\scode)?|emojis?|reverse|leetspeak|pig\slatin|caesar|rot13|all\scaps|uppercase|homophonic|french|german|spanish|italian|portuguese|russian|chinese|japanese|korean|arabic|hindi|dutch|swedish|polish|turkish|latin|klingon)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'code-directive',
    weight: 0.15,
    inDocument: 0.3,
    requires: [
      ['following', 'below', 'subsequent', 'attached', 'above'].flatMap((where) =>
        ['code', 'snippet', 'block', 'excerpt', 'section', 'segment', 'fragment'].map(
          (what) => `${where} ${what}`,
        ),
      ),
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:following|below|subsequent|attached|above)\s(?:code\s)?(?:snippet|block|excerpt|section|segment|fragment)s?\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'your-code',
    weight: 0.1,
    inDocument: 0.2,
    requires: [
      [
        'your code',
        'your solution',
        'your implementation',
        'your algorithm',
        'your program',
        'your script',
        'your elucidation',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`(?<=\b(?:in|into|within|to|of|for)\s(?:the\s(?:structure|core|framework|logic|foundation|robustness)\sof\s)?)your\s(?:code|codebase|solution|implementation|algorithm|program|script|code\simplementation|solution\sarchitecture|elucidation|solution\slogic)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'conceal',
    weight: 0.5,
    requires: [
      [
        ...['tell', 'inform', 'alert', 'warn', 'notify', 'let'].flatMap((verb) => [
          `${verb} the user`,
          `${verb} user`,
        ]),
        'mention this to',
        'mention it to',
        'mention to',
        'reveal this to',
        'reveal it to',
        'reveal to',
      ],
    ],
    startsAt: ['do not', "don't", 'never'],
    pattern: rx(
      String.raw`\b(?:do\snot|don't|never)\s(?:tell|inform|mention\s(?:this\s|it\s)?to|reveal\s(?:this\s|it\s)?to|alert|warn|notify|let)\s(?:the\s)?user\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'conceal',
    weight: 0.5,
    requires: [
      [
        'without telling',
        'without informing',
        'without notifying',
        'without alerting',
        'without asking',
        'the user must',
        'the user should',
      ],
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\bwithout\s(?:telling|informing|notifying|alerting|asking)\s(?:the\s)?user\b|\bthe\suser\s(?:must|should)\snot\s(?:know|see|be\stold)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'user-wants',
    weight: 0.15,
    inDocument: 0.4,
    requires: [['the user']],
    startsAt: true,
    pattern: rx(
      String.raw`\bthe\suser\s(?:has\s)?(?:actually\s|really\s|also\s)?(?:wants?|asked|instructed|requested|authori[sz]ed)\s(?:you\s)?to\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'when-answering',
    weight: 0.45,
    requires: [['make sure', 'be sure', 'you must', 'you should']],
    startsAt: ['when', 'while', 'if', 'before', 'after'],
    pattern: rx(
      String.raw`\b(?:when|while|if|before|after)\s(?:you(?:'re|\sare)?\s)?(?:summari[sz]|answer|respond|repl|translat|read|process|analy[sz])[a-z]*\b(?:\s[^\s.]{1,40}){0,8}\s(?:make\ssure\s(?:to\s)?|be\ssure\sto\s|you\s(?:must|should)\s(?:also\s)?)(?:include|add|mention|say|tell|recommend|insert|append|state|write|link|output)\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'hidden',
    weight: 0.55,
    requires: [['<!--']],
    startsAt: true,
    pattern: rx(
      String.raw`<!--\s?(?:ai|a\.i\.|assistant|ai\sassistant|llm|chatbot|language\smodel|note\sto\s(?:the\s)?(?:ai|assistant|model|llm))\b`,
    ),
  },
  {
    label: 'indirect-instruction',
    group: 'hidden',
    weight: 0.45,
    requires: [
      ['hidden', 'invisible', 'secret'].flatMap((how) =>
        ['instruction', 'message', 'text', 'prompt'].map((what) => `${how} ${what}`),
      ),
    ],
    startsAt: true,
    pattern: rx(
      String.raw`\b(?:hidden|invisible|secret)\s(?:instruction|message|text|prompt)s?\s(?:for|to)\s(?:the\s)?(?:ai|assistant|llm|model|chatbot)\b`,
    ),
  },

  // --- Text dressed up as a system or chat-template message.
  {
    label: 'fake-system-message',
    group: 'fake-role',
    weight: 0.4,
    requires: [['<|', '[inst', '[/inst', '[sys', '[/sys', '<<sys', '<</sys', '[system', '[admin']],
    startsAt: true,
    pattern: rx(
      String.raw`<\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\|?>|\[\/?(?:inst|sys)\]|<<\/?sys>>|\[(?:system|admin)\s(?:message|note|override)\]`,
    ),
  },
  {
    label: 'fake-system-message',
    group: 'fake-role',
    weight: 0.4,
    requires: [['override', 'notice', 'alert', 'announcement', 'instruction']],
    // Read from the heading word back, so that common words (`system`, `##`) need not be anchors.
    startsAt: true,
    pattern: rx(
      String.raw`(?<=#{2,3}\s?(?:new\s)?)instructions?\s?:|(?<=\b(?:system|admin|administrator|developer|root)\s)(?:override|notice|alert|announcement|instruction)s?\s?:`,
    ),
  },

  // --- Hiding the request itself.
  {
    label: 'encoded-payload',
    group: 'decode-and-follow',
    weight: 0.45,
    requires: [['decode', 'decipher', 'base64', 'rot13']],
    startsAt: ['decode', 'decipher', 'base64', 'translate from', 'rot13'],
    pattern: rx(
      String.raw`\b(?:decode|decipher|base64[\s-]?decode|translate\sfrom\sbase64|rot13)\b(?:\s[^\s.]{1,40}){0,8}\s(?:and|then)\s(?:follow|execute|do|obey|run|perform|carry\sout|act\son)\b`,
    ),
  },

  // --- The same phrases with the words broken up ("i.g.n.o.r.e", "i g n o r e", zero-width
  // characters); only read when the text shows such breaks.
  {
    label: 'override-instructions',
    group: 'override',
    weight: 0.8,
    view: 'squashed',
    requires: [],
    pattern: rx(
      '(?:ignore|disregard|forget|bypass|override)(?:all|any|the|your|of|my|and){0,4}(?:previous|prior|above|earlier|preceding|initial|original|system|former)(?:and|all|the|of){0,2}(?:instructions|instruction|prompts|prompt|rules|directions|guidelines|commands)',
    ),
  },
  {
    label: 'override-instructions',
    group: 'override-everything',
    weight: 0.7,
    view: 'squashed',
    requires: [],
    pattern: rx(
      '(?:ignore|forget|disregard)(?:everything|all)(?:above|before|previously|sofar|youhavebeentold)',
    ),
  },
  {
    label: 'system-prompt-extraction',
    group: 'extract',
    weight: 0.65,
    view: 'squashed',
    requires: [],
    pattern: rx(
      '(?:reveal|print|show|repeat|output|display|tellme|giveme|leak)(?:me|us|all|the|your|full|entire){0,3}(?:systemprompt|initialprompt|initialinstructions|hiddeninstructions|originalinstructions|secretinstructions|previousinstructions)',
    ),
  },
  {
    label: 'role-play-jailbreak',
    group: 'dan',
    weight: 0.7,
    view: 'squashed',
    requires: [],
    pattern: rx('doanythingnow'),
  },
  {
    label: 'role-play-jailbreak',
    group: 'mode',
    weight: 0.5,
    view: 'squashed',
    requires: [],
    pattern: rx('(?:developer|jailbreak|unrestricted|unfiltered|god)mode(?:enabled|activated|on)'),
  },
];

/**
 * Words of the jailbreak register. The persona ones describe a character without limits and are
 * rare elsewhere; the policy ones are common in any text about content policy. Many of them
 * together are the voice of a "no rules" persona prompt. Counted by word start, each stem once.
 */
export const PERSONA_WORDS = re(
  /\b(?:amoral|unfilter|uncensor|unrestrict|unshackl|unchain|unbound|limitless|jailbr|deprav|nsfw|lewd|obscen|unhing|immoral|no\smoral|no\sethic)/g,
);
export const POLICY_WORDS = re(
  /\b(?:illegal|explicit|offensive|harmful|evil|toxic|malicious|vulgar|profan|swear|slur|racist|sexist|disclaimer|warning|moral|ethic|censor|filter|restriction|guideline|polic|legality|unethical|inappropriate)/g,
);

/** Weight of the jailbreak register from the number of distinct persona and policy words. */
export function vocabularyWeight(persona: number, policy: number): number {
  if (persona >= 2) return 0.45;
  if (persona === 1) return policy >= 2 ? 0.4 : 0.15;
  if (policy >= 6) return 0.35;
  if (policy >= 4) return 0.25;
  return policy === 3 ? 0.15 : 0;
}
