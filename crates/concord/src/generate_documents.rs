//! A register of documents at scale, for benchmarks: thousands of documents of one body, each with
//! several versions of generated text, and one long document (about fifty pages) with two versions
//! for the track-changes view. Text is mostly Russian, some English, with titles in Russian, English
//! and often Kazakh; words are drawn from a vocabulary of a few thousand by a Zipf law, with a few
//! rare words (names of projects, places) per document, so that full-text search meets common,
//! middling and rare terms as in a real register. Everything goes through `store::documents` as the
//! application writes it, so the search index is kept as in production. Deterministic for a seed.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use domain::documents::{Classification, DocumentFields, DocumentKind, Names, Paragraph, Version};
use domain::participants::Participant;
use domain::policy::Actor;
use domain::words::{key, words};
use domain::{Id, Text};
use store::Store;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The body's slug (it must exist: `concord demo` makes `cis-cfm`).
    pub body: String,
    /// Documents in the register.
    pub count: usize,
    /// Versions of each document (the first and its revisions).
    pub versions: u32,
    /// Pages of the one long document with two versions (0: none).
    pub pages: usize,
    /// Documents per transaction.
    pub batch: usize,
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    pub documents: usize,
    pub versions: usize,
    pub paragraphs: usize,
    pub words: usize,
    /// The long document: its id, paragraphs in its two versions and paragraphs changed.
    pub big: Option<(Id, usize, usize, usize)>,
    /// Words to search for, from common to rare, each with how many documents contain it in their
    /// latest text or a title (what the search index holds).
    pub probes: Vec<(String, usize)>,
    pub seconds: f64,
}

impl fmt::Display for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Generated {} documents with {} versions ({} paragraphs, {} words) in {:.1} s.",
            self.documents, self.versions, self.paragraphs, self.words, self.seconds
        )?;
        if let Some((id, old, new, changed)) = self.big {
            writeln!(f, "big document: {id} (version 1: {old} paragraphs, version 2: {new}, {changed} changes)")?;
        }
        let probes: Vec<String> = self.probes.iter().map(|(w, n)| format!("{w}:{n}")).collect();
        writeln!(f, "search words (word:documents): {}", probes.join(" "))
    }
}

/// Paragraphs per page of the long document (about 500 words a page).
const PARAGRAPHS_PER_PAGE: usize = 12;

/// A small deterministic generator (SplitMix64): the same seed gives the same register.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// In `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// In `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Words by rank: real words first (the frequent ones), then made-up ones of the language's
/// syllables for the long tail; a word is drawn with probability proportional to 1 / rank^1.1.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(common: &str, syllables: &[&str], endings: &[&str], size: usize, rng: &mut Rng) -> Vocabulary {
        let mut seen = HashSet::new();
        let mut words: Vec<String> =
            common.split_whitespace().map(str::to_string).filter(|w| seen.insert(w.clone())).collect();
        while words.len() < size {
            let word = made_up(syllables, endings, 2, 3, rng);
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(1.1);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().expect("a vocabulary has words");
        let u = rng.unit() * total;
        let i = self.cumulative.partition_point(|c| *c <= u).min(self.words.len() - 1);
        &self.words[i]
    }
}

/// A made-up word of `lo..=hi` syllables and an ending.
fn made_up(syllables: &[&str], endings: &[&str], lo: usize, hi: usize, rng: &mut Rng) -> String {
    let mut word = String::new();
    for _ in 0..rng.between(lo, hi) {
        word.push_str(syllables[rng.below(syllables.len())]);
    }
    word.push_str(endings[rng.below(endings.len())]);
    word
}

/// The most frequent words of Russian official texts, roughly by frequency.
const RU_COMMON: &str = "и в на по с о для что к не государств сотрудничества а также из от как при их за \
    участников Содружества развития между области это его до решения Совета в целях об обеспечения вопросам \
    мер государства рамках вопросов работы сфере этом деятельности реализации соответствии стороны сторон \
    числе организаций министров иностранных дел порядке основе программы план мероприятий безопасности \
    интересах согласно необходимости поддержки органов совместных международных экономического \
    взаимодействия год года годов который которые будет могут является были был была создания проведения \
    принимая внимание учитывая отмечая подчеркивая приветствуя выражая признательность решили \
    договорились одобрить утвердить поручить рекомендовать принять информацию сведению заседании \
    исполнительному комитету секретариату консультаций сессии совещания встречи делегаций глав \
    правительств президентов парламентов министерств ведомств комиссий советов договора соглашения \
    протокола конвенции меморандума заявления декларации концепции стратегии положения регламента \
    правил процедур статьи пункта подпункта приложения раздела части главы документа документов проекта \
    проектов текста редакции изменений дополнений поправок предложений замечаний позиции позиций мнения \
    согласия возражений консенсуса голосования подписания ратификации вступления силу действия срока \
    сроков даты периода этапа этапов хода итогов результатов оценки мониторинга контроля исполнения \
    выполнения финансирования бюджета средств ресурсов расходов взносов долей торговли экономики \
    энергетики транспорта связи информационных технологий цифровой трансформации образования науки \
    культуры здравоохранения спорта туризма молодежи миграции границ таможенного пограничного \
    правоохранительных терроризма экстремизма наркотиков преступности коррупции кибербезопасности \
    чрезвычайных ситуаций экологии климата водных ресурсов сельского хозяйства продовольственной \
    промышленности инвестиций инноваций предпринимательства малого среднего бизнеса рынка труда \
    занятости социальной защиты пенсионного обеспечения гуманитарного памяти истории языка русского \
    национальных меньшинств прав человека свобод гражданства демократии выборов наблюдателей миссии \
    представителей экспертов специалистов рабочей группы комиссии комитета совета агентства центра \
    института фонда банка союза альянса партнерства диалога переговоров визитов обменов стажировок \
    конференций форумов семинаров выставок фестивалей конкурсов олимпиад игр юбилея годовщины победы \
    мира войны ветеранов поколений будущего настоящего прошлого единого общего экономического \
    пространства свободной торговли зоны режима стандартов норм требований сертификации \
    лицензирования регулирования законодательства сближения гармонизации унификации взаимного \
    признания обмена опытом информацией данными статистикой анализа исследований прогнозов \
    планирования координации согласования взаимодействия содействия помощи поддержки укрепления \
    расширения углубления совершенствования повышения эффективности качества уровня доступности \
    открытости прозрачности устойчивости стабильности надежности предсказуемости доверия \
    добрососедства дружбы равноправия уважения суверенитета территориальной целостности невмешательства";

const RU_SYLLABLES: &[&str] = &[
    "ра", "ко", "ми", "те", "ло", "на", "ви", "ст", "пре", "до", "за", "ни", "ве", "ба", "су", "го", "ле", "ти", "мо",
    "ры", "ска", "тор", "пол", "вер", "дин", "гра", "нов", "сел", "мер", "кла",
];
const RU_ENDINGS: &[&str] =
    &["ение", "ости", "ного", "ации", "ования", "ами", "ов", "ской", "ному", "ства", "ий", "ая", "ые", "ах"];

/// The most frequent words of English official texts, roughly by frequency.
const EN_COMMON: &str = "the of and to in on for with by as a that at from be is are this its their which it \
    member states commonwealth independent council foreign ministers cooperation development between area \
    decision security framework implementation accordance parties including organizations programme plan \
    measures interests support bodies joint international economic interaction year years will may shall \
    been was were establishment holding taking into account noting stressing welcoming expressing \
    appreciation decided agreed approve adopt instruct recommend information session meeting delegations \
    heads government presidents parliaments ministries agencies commissions councils treaty agreement \
    protocol convention memorandum statement declaration concept strategy regulation rules procedure \
    article paragraph subparagraph annex section part chapter document documents draft drafts text wording \
    amendments additions proposals comments position positions opinion consent objections consensus vote \
    signing ratification entry force period stage stages progress results assessment monitoring control \
    execution financing budget funds resources expenditure contributions trade economy energy transport \
    communications information technology digital transformation education science culture health sport \
    tourism youth migration borders customs border law enforcement terrorism extremism drugs crime \
    corruption cybersecurity emergencies ecology climate water agriculture food industry investment \
    innovation entrepreneurship small medium business labour market employment social protection pensions \
    humanitarian memory history language minorities human rights freedoms citizenship democracy elections \
    observers mission representatives experts specialists working group commission committee agency centre \
    institute fund bank union alliance partnership dialogue negotiations visits exchanges conferences forums \
    seminars exhibitions festivals anniversary victory peace war veterans generations future common single \
    space free zone regime standards norms requirements certification licensing legislation harmonization \
    mutual recognition exchange experience data statistics analysis research forecasts planning \
    coordination assistance strengthening expansion improvement efficiency quality level accessibility \
    openness transparency sustainability stability reliability trust neighbourliness friendship equality \
    respect sovereignty territorial integrity";

const EN_SYLLABLES: &[&str] = &[
    "ra", "con", "mi", "ter", "lo", "na", "vi", "st", "pre", "de", "tran", "ni", "ver", "ba", "sub", "go", "le", "ti",
    "mo", "ry", "com", "por", "tal", "gen", "dis", "gra", "nov", "sel", "mer", "cla",
];
const EN_ENDINGS: &[&str] = &["tion", "ment", "ity", "ance", "ing", "al", "ive", "ure", "ism", "ory", "ence", "ship"];

/// Kazakh words for titles.
const KK_WORDS: &[&str] = &[
    "ынтымақтастық",
    "мемлекеттер",
    "кеңес",
    "шешім",
    "жоба",
    "туралы",
    "бағдарлама",
    "жоспар",
    "қауіпсіздік",
    "даму",
    "экономикалық",
    "мәдени",
    "гуманитарлық",
    "көліктік",
    "энергетикалық",
    "цифрлық",
    "білім",
    "ғылым",
    "денсаулық",
    "шекара",
    "кеден",
    "сауда",
    "инвестиция",
    "келісім",
    "хаттама",
    "мәлімдеме",
    "тұжырымдама",
    "стратегия",
    "ережелер",
    "өзгерістер",
    "толықтырулар",
    "іс-шаралар",
    "қатысушы",
    "достастық",
    "тәуелсіз",
];

/// Syllables of rare words: names of projects, places and programmes, a few per document.
const RARE_SYLLABLES: &[&str] = &[
    "кар", "тау", "сай", "бек", "жан", "тас", "кол", "дар", "ман", "гул", "ист", "орд", "шах", "зар", "бул", "ак",
    "кен", "тюр", "ыш", "аль",
];
const RARE_ENDINGS: &[&str] = &["", "ск", "ово", "инский", "ата", "абад", "кент"];

/// What titles and paragraphs are made of.
struct Words {
    ru: Vocabulary,
    en: Vocabulary,
    rare: Vec<String>,
}

impl Words {
    fn new(rng: &mut Rng) -> Words {
        let ru = Vocabulary::new(RU_COMMON, RU_SYLLABLES, RU_ENDINGS, 5_000, rng);
        let en = Vocabulary::new(EN_COMMON, EN_SYLLABLES, EN_ENDINGS, 4_000, rng);
        let mut seen: HashSet<String> = ru.words.iter().chain(&en.words).cloned().collect();
        let mut rare = Vec::new();
        while rare.len() < 30_000 {
            let word = made_up(RARE_SYLLABLES, RARE_ENDINGS, 2, 4, rng);
            if seen.insert(word.clone()) {
                rare.push(word);
            }
        }
        Words { ru, en, rare }
    }

    fn of(&self, language: &str) -> &Vocabulary {
        if language == "en" { &self.en } else { &self.ru }
    }

    /// A paragraph of `lo..=hi` words in sentences, now and then one of the document's own rare
    /// words or a number.
    fn paragraph(&self, language: &str, own: &[String], lo: usize, hi: usize, rng: &mut Rng) -> String {
        let vocabulary = self.of(language);
        let n = rng.between(lo, hi);
        let mut out = String::new();
        let mut sentence = 0;
        for i in 0..n {
            let word: String = if !own.is_empty() && rng.chance(0.02) {
                own[rng.below(own.len())].clone()
            } else if rng.chance(0.01) {
                (1991 + rng.below(40)).to_string()
            } else {
                vocabulary.pick(rng).to_string()
            };
            if sentence == 0 {
                let mut chars = word.chars();
                out.extend(chars.next().into_iter().flat_map(char::to_uppercase).chain(chars));
            } else {
                out.push_str(&word);
            }
            sentence += 1;
            if i + 1 == n || (sentence > 6 && rng.chance(0.08)) {
                out.push('.');
                sentence = 0;
            } else if rng.chance(0.07) {
                out.push(',');
            }
            if i + 1 < n {
                out.push(' ');
            }
        }
        out
    }

    /// `paragraphs` with `changes` changes: words replaced in a paragraph (most), a paragraph
    /// inserted or one deleted. Returns the new paragraphs.
    fn revise(&self, language: &str, paragraphs: &[String], changes: usize, rng: &mut Rng) -> Vec<String> {
        let mut out = paragraphs.to_vec();
        let vocabulary = self.of(language);
        for _ in 0..changes {
            let roll = rng.unit();
            if roll < 0.15 {
                let at = rng.below(out.len() + 1);
                out.insert(at, self.paragraph(language, &[], 15, 50, rng));
            } else if roll < 0.3 && out.len() > 3 {
                out.remove(rng.below(out.len()));
            } else if !out.is_empty() {
                let k = rng.below(out.len());
                let mut words: Vec<String> = out[k].split(' ').map(str::to_string).collect();
                for _ in 0..rng.between(1, 4) {
                    let i = rng.below(words.len());
                    let tail: String = words[i].chars().filter(|c| *c == '.' || *c == ',').collect();
                    let starts_sentence = words[i].chars().next().is_some_and(char::is_uppercase);
                    let mut word = vocabulary.pick(rng).to_string();
                    if starts_sentence {
                        let mut chars = word.chars();
                        word = chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect();
                    }
                    words[i] = word + &tail;
                }
                out[k] = words.join(" ");
            }
        }
        out
    }
}

/// Kinds of documents, with how a title of each begins in Russian and English.
const KINDS: &[(DocumentKind, &str, &str)] = &[
    (DocumentKind::DraftDecision, "Проект решения о", "Draft decision on"),
    (DocumentKind::Statement, "Заявление о", "Statement on"),
    (DocumentKind::Agreement, "Соглашение о", "Agreement on"),
    (DocumentKind::Protocol, "Протокол о", "Protocol on"),
    (DocumentKind::ActionPlan, "План действий в области", "Plan of action on"),
    (DocumentKind::Note, "Записка о", "Note on"),
    (DocumentKind::Information, "Информация о", "Information on"),
];

/// A document's particulars, without its text: its kind and classification (mostly for members,
/// some public, listed or internal), titles in Russian and English (and Kazakh for a third), its
/// readers, its original language (Russian, English for one in ten) and perhaps an initiator.
fn particulars(
    words: &Words,
    body: &str,
    number: &str,
    members: &[&Participant],
    meeting: Option<String>,
    rng: &mut Rng,
) -> DocumentFields {
    let (kind, ru_kind, en_kind) = KINDS[rng.below(KINDS.len())];
    let subject = |vocabulary: &Vocabulary, rng: &mut Rng| {
        (0..rng.between(3, 7)).map(|_| vocabulary.pick(rng).to_string()).collect::<Vec<_>>().join(" ")
    };
    let mut title = vec![
        ("ru", format!("{ru_kind} {}", subject(&words.ru, rng))),
        ("en", format!("{en_kind} {}", subject(&words.en, rng))),
    ];
    if rng.chance(0.33) {
        let kk: Vec<&str> = (0..rng.between(3, 6)).map(|_| KK_WORDS[rng.below(KK_WORDS.len())]).collect();
        title.push(("kk", kk.join(" ")));
    }
    let roll = rng.unit();
    let (classification, readers) = if roll < 0.70 {
        (Classification::Members, Vec::new())
    } else if roll < 0.85 {
        (Classification::Public, Vec::new())
    } else if roll < 0.95 {
        let n = rng.between(2, 4).min(members.len());
        let mut readers: Vec<String> = Vec::new();
        while readers.len() < n {
            let code = members[rng.below(members.len())].code.clone();
            if !readers.contains(&code) {
                readers.push(code);
            }
        }
        (Classification::Listed, readers)
    } else {
        (Classification::Internal, vec![members[rng.below(members.len())].code.clone()])
    };
    let register_number = match classification {
        Classification::Internal => format!("{}{number}", domain::documents::internal_series(&readers[0])),
        _ => number.to_string(),
    };
    let original_language = if rng.chance(0.1) { "en" } else { "ru" };
    let initiator = (rng.chance(0.5) && !members.is_empty()).then(|| members[rng.below(members.len())].code.clone());
    let title: Vec<(&str, &str)> = title.iter().map(|(l, t)| (*l, t.as_str())).collect();
    DocumentFields {
        body: body.to_string(),
        meeting,
        agenda_item: None,
        agenda_format: None,
        kind,
        register_number,
        title: Text::new(&title),
        original_language: original_language.to_string(),
        classification,
        readers,
        initiator,
        paragraphs: Vec::new(),
    }
}

/// The keys search would find a document by (its latest text and titles), each with the first
/// word seen that has it, in lower case.
fn index_words<'a>(texts: impl IntoIterator<Item = &'a str>, into: &mut HashMap<String, String>) {
    for text in texts {
        for (_, word) in words(text) {
            into.entry(key(word)).or_insert_with(|| word.to_lowercase());
        }
    }
}

/// Generates the register into `store`, whose body `options.body` exists.
pub async fn register(store: &Store, options: &Options) -> Result<Generated> {
    if options.versions == 0 {
        bail!("a document has at least one version");
    }
    let started = Instant::now();
    let system = Actor::anonymous();
    let body =
        store::bodies::by_slug(store, &options.body).await.with_context(|| format!("no body {}", options.body))?;
    let participants = store::participants::list(store).await?;
    let memberships = store::bodies::memberships(store, body.id).await?;
    let members: Vec<&Participant> =
        participants.iter().filter(|p| memberships.iter().any(|m| m.participant_id == p.id)).collect();
    if members.is_empty() {
        bail!("the body {} has no members", options.body);
    }
    let meetings: Vec<Id> =
        store::events::meetings_of_body(store, body.id).await?.into_iter().map(|m| m.meeting.id).collect();
    let mut rng = Rng(options.seed);
    let words = Words::new(&mut rng);
    let prefix = body.slug.to_uppercase();
    // By key: the documents holding each key, and a word that has it.
    let mut frequency: HashMap<String, (String, usize)> = HashMap::new();
    let mut generated =
        Generated { documents: 0, versions: 0, paragraphs: 0, words: 0, big: None, probes: Vec::new(), seconds: 0.0 };
    let batch = options.batch.max(1);
    let mut done = 0;
    while done < options.count {
        let mut tx = store.begin().await?;
        let upto = (done + batch).min(options.count);
        for n in done..upto {
            let meeting = (!meetings.is_empty() && rng.chance(0.25)).then(|| meetings[rng.below(meetings.len())]);
            let number = format!("{prefix}/G/{:05}", n + 1);
            let p = particulars(&words, &body.slug, &number, &members, meeting.map(|m| m.to_string()), &mut rng);
            let language = p.original_language.clone();
            let own: Vec<String> =
                (0..rng.between(2, 5)).map(|_| words.rare[rng.below(words.rare.len())].clone()).collect();
            let mut texts: Vec<String> =
                (0..rng.between(5, 30)).map(|_| words.paragraph(&language, &own, 10, 60, &mut rng)).collect();
            let fields = DocumentFields { paragraphs: texts.clone(), ..p };
            let fields = fields.validate().with_context(|| format!("generated document {number}"))?;
            let names = Names { body: body.id, meeting, agenda: &[], participants: &participants };
            let (document, first) = fields
                .into_document(&names, "system".into(), jiff::Timestamp::now())
                .with_context(|| format!("generated document {number}"))?;
            generated.paragraphs += texts.len();
            generated.words += texts.iter().map(|t| t.split(' ').count()).sum::<usize>();
            let mut document = store::documents::create(&mut tx, &system, document, first).await?;
            for v in 2..=options.versions {
                texts = words.revise(&language, &texts, rng.between(1, 4), &mut rng);
                document = new_version(&mut tx, &system, &document, v, &language, &texts).await?;
                generated.paragraphs += texts.len();
                generated.words += texts.iter().map(|t| t.split(' ').count()).sum::<usize>();
            }
            let mut indexed = HashMap::new();
            index_words(
                texts.iter().map(String::as_str).chain(document.title.0.values().map(String::as_str)),
                &mut indexed,
            );
            for (key, word) in indexed {
                frequency.entry(key).or_insert((word, 0)).1 += 1;
            }
        }
        tx.commit().await?;
        generated.documents = upto;
        generated.versions = upto * options.versions as usize;
        done = upto;
        eprintln!("{done}/{} documents, {:.1} s", options.count, started.elapsed().as_secs_f64());
    }
    if options.pages > 0 {
        generated.big =
            Some(big_document(store, &system, &words, &body.slug, &participants, options.pages, &mut rng).await?);
        generated.documents += 1;
        generated.versions += 2;
    }
    generated.probes = probes(&frequency, options.count);
    generated.seconds = started.elapsed().as_secs_f64();
    Ok(generated)
}

/// The next version of `document`, as the secretariat makes it: the document moves to its next
/// row version and the text is added beside the earlier ones.
async fn new_version(
    tx: &mut store::Tx,
    system: &Actor,
    document: &domain::documents::Document,
    number: u32,
    language: &str,
    texts: &[String],
) -> Result<domain::documents::Document> {
    let document = store::documents::replace(tx, system, document, document.clone()).await?;
    let paragraphs = texts.iter().map(|t| Paragraph::plain(t.clone())).collect();
    let version = Version::new(document.id, number, language, paragraphs, "system".into(), jiff::Timestamp::now());
    store::documents::add_version(tx, system, &document, version).await?;
    Ok(document)
}

/// The long document: `pages` pages of about twelve paragraphs (about 500 words a page) in
/// Russian, for members, and a second version in which about one paragraph in ten changed (words
/// replaced in most, some paragraphs inserted, some deleted). Returns its id, its paragraphs in
/// both versions and how many changes were made.
async fn big_document(
    store: &Store,
    system: &Actor,
    words: &Words,
    body: &str,
    participants: &[Participant],
    pages: usize,
    rng: &mut Rng,
) -> Result<(Id, usize, usize, usize)> {
    let body_id = store::bodies::by_slug(store, body).await?.id;
    let own: Vec<String> = (0..20).map(|_| words.rare[rng.below(words.rare.len())].clone()).collect();
    let count = pages * PARAGRAPHS_PER_PAGE;
    let texts: Vec<String> = (0..count).map(|_| words.paragraph("ru", &own, 20, 64, rng)).collect();
    let fields = DocumentFields {
        body: body.to_string(),
        meeting: None,
        agenda_item: None,
        agenda_format: None,
        kind: DocumentKind::Agreement,
        register_number: format!("{}/G/BIG/{pages}", body.to_uppercase()),
        title: Text::new(&[
            ("ru", "Соглашение о всеобъемлющем экономическом партнерстве государств – участников Содружества"),
            ("en", "Agreement on comprehensive economic partnership of the member states of the Commonwealth"),
        ]),
        original_language: "ru".into(),
        classification: Classification::Members,
        readers: Vec::new(),
        initiator: None,
        paragraphs: texts.clone(),
    };
    let fields = fields.validate().context("the long document")?;
    let names = Names { body: body_id, meeting: None, agenda: &[], participants };
    let (document, first) =
        fields.into_document(&names, "system".into(), jiff::Timestamp::now()).context("the long document")?;
    let changes = count / 10;
    let revised = words.revise("ru", &texts, changes, rng);
    let mut tx = store.begin().await?;
    let document = store::documents::create(&mut tx, system, document, first).await?;
    new_version(&mut tx, system, &document, 2, "ru", &revised).await?;
    tx.commit().await?;
    Ok((document.id, texts.len(), revised.len(), changes))
}

/// About fifty words of four letters or more to search for, ten from each band of document
/// frequency: in most documents (≥ 50 %), common (10–50 %), middling (2–10 %), uncommon (0.2–2 %)
/// and rare (under 0.2 %), each band's words spread over its range.
fn probes(frequency: &HashMap<String, (String, usize)>, documents: usize) -> Vec<(String, usize)> {
    let mut words: Vec<(&String, usize)> = frequency
        .values()
        .filter(|(w, _)| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .map(|(w, n)| (w, *n))
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let share = |n: usize| n as f64 / documents.max(1) as f64;
    let bands: [(f64, f64); 5] = [(0.5, 1.01), (0.1, 0.5), (0.02, 0.1), (0.002, 0.02), (0.0, 0.002)];
    let mut out = Vec::new();
    for (lo, hi) in bands {
        let band: Vec<&(&String, usize)> = words.iter().filter(|(_, n)| share(*n) >= lo && share(*n) < hi).collect();
        let take = band.len().min(10);
        for k in 0..take {
            let (w, n) = band[k * band.len() / take];
            out.push((w.to_string(), *n));
        }
    }
    out
}
