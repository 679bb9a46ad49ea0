// The model's cross-lingual lexicon: words of many languages that say the same thing an attack
// says (ignore, previous, instructions, reveal, system prompt, pretend, password…) share one
// concept, and the model reads the concept where it would read the word. An n-gram learned from
// English rows (`ignore previous`) then also weighs `vergiss vorherigen`, `ignorez precedentes`
// or 忽略之前. It is a feature map, not a rule: the weights of the concepts and of their pairs are
// learned like any other feature.
//
// One entry is one word as it is written (the model's normaliser folds it at load, so accents,
// case and look-alike letters are handled as in the text). Scripts written without spaces
// (Chinese, Japanese, Korean) are read in pairs of characters: their entries are two characters.
// Written for this project from dictionaries of everyday words, not from any dataset's rows.

export const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  ignore: [
    ...['ignore', 'ignoring', 'disregard', 'forget', 'override', 'bypass', 'neglect'],
    ...['ignoriere', 'ignorieren', 'ignoriert', 'vergiss', 'vergessen', 'vergesst', 'missachte'],
    ...['ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier'],
    ...['ignora', 'ignoren', 'ignorar', 'olvida', 'olvide', 'olvidar', 'omite'],
    ...['ignorare', 'dimentica', 'dimenticare', 'esqueca', 'esquecer'],
    ...['negeer', 'vergeet', 'zignoruj', 'ignoruj', 'zapomnij', 'yoksay', 'unut', 'abaikan'],
    ...['lupakan', 'игнорируй', 'игнорировать', 'забудь', 'تجاهل', 'अनदेखा', 'उपेक्षा', 'উপেক্ষা'],
    ...['忽略', '忽视', '无视', '無視', '忘记', '忘記', '무시', '잊어'],
  ],
  previous: [
    ...['previous', 'prior', 'above', 'preceding', 'earlier', 'former', 'original', 'initial'],
    ...['vorherigen', 'vorherige', 'vorigen', 'bisherigen', 'obigen', 'vorangegangenen'],
    ...['precedentes', 'precedente', 'precedents', 'anterieures', 'anteriores', 'anterior'],
    ...['previas', 'precedenti', 'vorige', 'eerdere', 'poprzednie', 'wczesniejsze', 'onceki'],
    ...['sebelumnya', 'предыдущие', 'предыдущих', 'прежние', 'السابقة', 'पिछले', 'পূর্ববর্তী'],
    ...['之前', '以前', '先前', '上述', '上面', '이전'],
  ],
  instructions: [
    ...['instructions', 'instruction', 'directions', 'directives', 'orders', 'commands'],
    ...['anweisungen', 'anweisung', 'instruktionen', 'befehle', 'vorgaben', 'consignes'],
    ...['ordres', 'instrucciones', 'ordenes', 'indicaciones', 'istruzioni', 'instrucoes'],
    ...['instructies', 'instrukcje', 'polecenia', 'инструкции', 'инструкций', 'указания'],
    ...['talimatlari', 'talimatlar', 'instruksi', 'perintah', 'التعليمات', 'تعليمات'],
    ...['निर्देशों', 'निर्देश', 'নির্দেশাবলী', 'নির্দেশনা', '指令', '指示', '지시', '명령'],
  ],
  rules: [
    ...['rules', 'guidelines', 'policy', 'policies', 'regeln', 'richtlinien', 'regles'],
    ...['reglas', 'directrices', 'regole', 'regras', 'regels', 'zasady', 'правила', 'kurallari'],
    ...['aturan', 'القواعد', 'नियम', 'নিয়ম', '规则', '規則', '준칙', '규칙'],
  ],
  system: [
    ...['system', 'systeme', 'sistema', 'systemu', 'система', 'системы', 'sistem', 'systeem'],
    ...['النظام', 'सिस्टम', 'সিস্টেম', '系统', '系統', 'シス', '시스'],
  ],
  prompt: [
    ...['prompt', 'prompts', 'systemprompt', 'промпт', 'промпта', 'подсказка', 'istem'],
    ...['提示', 'ンプ', '프롬'],
  ],
  password: [
    ...['password', 'passwords', 'passphrase', 'passwort', 'kennwort', 'contrasena', 'senha'],
    ...['wachtwoord', 'haslo', 'пароль', 'sifre', 'parola', 'sandi', 'पासवर्ड'],
    ...['পাসওয়ার্ড', '密码', '密碼', 'パス'],
  ],
  secret: [
    ...['secret', 'secrets', 'confidential', 'hidden', 'geheim', 'geheimnis', 'versteckte'],
    ...['secreto', 'secreta', 'segreto', 'segreta', 'sekret', 'секрет', 'секретный', 'gizli'],
    ...['rahasia', 'سري', 'गुप्त', 'গোপন', '秘密', '机密', '隐藏', '機密', '비밀'],
  ],
  pretend: [
    ...['pretend', 'roleplay', 'imagine', 'act', 'behave', 'simulate', 'impersonate'],
    ...['stell', 'spiele', 'fais', 'agis', 'pretends', 'finge', 'imagina'],
    ...['actua', 'fingi', 'immagina', 'comportati', 'finja', 'udawaj', 'wyobraz'],
    ...['притворись', 'представь', 'веди', 'davran', 'hayal', 'berpura', 'bayangkan', 'تظاهر'],
    ...['नाटक', 'ভান', '假装', '扮演', '假裝', 'ふり', '흉내', '연기'],
  ],
  restrictions: [
    ...['restrictions', 'limitations', 'limits', 'filters', 'censorship', 'safeguards'],
    ...['einschrankungen', 'beschrankungen', 'filter', 'zensur', 'limites', 'filtres'],
    ...['censure', 'restricciones', 'limitaciones', 'filtros', 'censura', 'restrizioni'],
    ...['limitazioni', 'filtri', 'restricoes', 'limitacoes', 'beperkingen', 'ograniczenia'],
    ...['ограничения', 'ограничений', 'фильтры', 'цензура', 'kisitlama', 'batasan', 'القيود'],
    ...['प्रतिबंध', 'সীমাবদ্ধতা', '限制', '审查', '过滤', '制限', '検閲', '제한', '검열'],
  ],
  unrestricted: [
    ...['unrestricted', 'unfiltered', 'uncensored', 'unlimited', 'amoral', 'unethical'],
    ...['jailbreak', 'jailbroken', 'unzensiert', 'uneingeschrankt'],
    ...['ilimitado', 'illimitato', 'nieograniczony', 'неограниченный', 'sinirsiz'],
  ],
  harm: [
    ...['bomb', 'explosive', 'explosives', 'weapon', 'weapons', 'malware', 'ransomware'],
    ...['keylogger', 'phishing', 'methamphetamine', 'meth', 'hack', 'hacking', 'steal'],
    ...['launder', 'counterfeit', 'illegal', 'untraceable', 'bombe', 'waffe', 'waffen'],
    ...['sprengstoff', 'arme', 'armes', 'bomba', 'arma', 'armas', 'explosivos', 'бомба'],
    ...['оружие', 'взрывчатка', '炸弹', '武器', '爆弾', '폭탄'],
  ],
};
