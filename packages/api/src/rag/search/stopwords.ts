/**
 * English function words: they carry no topic, match most chunks and only slow FTS5 down.
 * Queries made of nothing else still search with them (see `queryTerms`).
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before ' +
    'being below between both but by can could did do does doing down during each either few for ' +
    'from further had has have having he her here hers herself him himself his how however if in ' +
    'into is it its itself just let me might more most must my myself neither no nor not now of ' +
    'off on once only or other ought our ours ourselves out over own same shall she should so ' +
    'some such than that the their theirs them themselves then there these they this those ' +
    'through to too under until up upon us very vs was we were what when where whether which ' +
    'while who whom whose why will with within without would yet you your yours yourself ' +
    'yourselves aren couldn didn doesn don hadn hasn haven isn ll mightn mustn needn re shan ' +
    'shouldn ve wasn weren won wouldn'
  ).split(' '),
);
