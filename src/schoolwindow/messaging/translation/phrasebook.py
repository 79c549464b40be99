# ruff: noqa: RUF001, RUF003, E501 — translations in other scripts, one sentence per line
"""Common school messages, written once in plain English and translated by people.

Keys are stable: a message built from a phrase remembers its key, so each family gets the
human translation in their language. The fields `{child}` (the child's first name) and
`{school}` (the school's name) are filled in after translation, and are the only ones allowed.

Where a language makes the child's gender show (Polish past tenses and adjectives: "wrócił" or
"wróciła"), the phrase has both forms (`gendered`), picked from the pupil's recorded gender, and
its main text says the same thing without showing gender, for a pupil whose gender the school
has not recorded: no "wrócił(a)" slashes. The other phrasebook languages need none: Urdu and
Punjabi sentences are built on the ergative "نے"/"ਨੇ" or on the family's feelings, Arabic on
"we noticed…", and Romanian and Bengali past tenses do not change with gender. Every text keeps
the child's name in the form that needs no case ending, so any name fits. Urdu and Arabic are
written right to left (`RTL_LANGUAGES`).

This is data, not gettext: staff pick a phrase in English, each family reads its own language.
`FAMILY_UI_TEXT` holds the few words families see around a message (in an email, a text or a
letter), in the same languages; read them with `family_ui_text(key, language)`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


MASCULINE, FEMININE = "m", "f"


def grammatical_gender(recorded: str) -> str:
    """A pupil's gender as the school recorded it ("Female", "M", "girl"…) → "m", "f", or ""
    when it is not recorded or is neither (the phrase then says it without gender)."""
    word = (recorded or "").strip().lower()
    if word in ("f", "female", "girl", "woman", "k", "kobieta", "dziewczynka"):
        return FEMININE
    if word in ("m", "male", "boy", "man", "mężczyzna", "chłopiec"):
        return MASCULINE
    return ""


@dataclass(frozen=True)
class Phrase:
    key: str
    category: str  # one of CATEGORIES
    texts: dict[str, str]  # language code → text (gender-neutral where the language allows)
    # language code → (masculine, feminine), for the languages whose text shows the child's gender
    gendered: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def english(self) -> str:
        return self.texts["en"]

    def text(self, language: str, gender: str = "") -> str:
        """The text in `language` for a child of `gender` ("m", "f", or "" when unknown)."""
        forms = self.gendered.get(language)
        if forms is not None and gender in (MASCULINE, FEMININE):
            return forms[0] if gender == MASCULINE else forms[1]
        return self.texts[language]

    def variants(self, language: str) -> tuple[str, ...]:
        """Every form of the text in `language`: the neutral one, then the gendered ones."""
        if language not in self.texts:
            return ()
        return (self.texts[language], *self.gendered.get(language, ()))

    def fields(self, language: str = "en") -> frozenset[str]:
        return phrase_fields_used(self.texts[language])


# Languages with a translation for every phrase (besides English).
PHRASEBOOK_LANGUAGES: tuple[str, ...] = ("pl", "ur", "ro", "pa", "ar", "bn")
RTL_LANGUAGES = frozenset({"ar", "ur", "he", "fa", "ps", "yi", "ckb", "sd", "ug"})
ALLOWED_FIELDS = frozenset({"child", "school"})

# Each language's name in that language (for pages families and staff read).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "pl": "Polski",
    "ur": "اردو",
    "ro": "Română",
    "pa": "ਪੰਜਾਬੀ",
    "ar": "العربية",
    "bn": "বাংলা",
}

CATEGORIES: dict[str, StrOrPromise] = {
    "praise": _("Praise and positive notes"),
    "attendance": _("Attendance"),
    "homework": _("Homework"),
    "events": _("Events and reminders"),
    "wellbeing": _("Wellbeing and support"),
    "general": _("General"),
    "reply": _("Replies"),
}


def phrase_fields_used(text: str) -> frozenset[str]:
    return frozenset(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name)


def _phrase(
    key: str, category: str, *, pl_gendered: tuple[str, str] | None = None, **texts: str
) -> Phrase:
    gendered = {"pl": pl_gendered} if pl_gendered else {}
    return Phrase(key=key, category=category, texts=texts, gendered=gendered)


PHRASES: tuple[Phrase, ...] = (
    # --- Praise and positive notes ------------------------------------------------------------
    _phrase(
        "praise.great_work",
        "praise",
        en="{child} did some great work today. We are very proud of them.",
        pl="{child} ma dziś za sobą świetnie wykonaną pracę. Jesteśmy bardzo dumni z Państwa dziecka.",
        pl_gendered=(
            "{child} wykonał dziś świetną pracę. Jesteśmy z niego bardzo dumni.",
            "{child} wykonała dziś świetną pracę. Jesteśmy z niej bardzo dumni.",
        ),
        ur="{child} نے آج بہت اچھا کام کیا۔ ہمیں ان پر بہت فخر ہے۔",
        ro="{child} a făcut astăzi o treabă excelentă. Suntem foarte mândri de copilul dumneavoastră.",
        pa="{child} ਨੇ ਅੱਜ ਬਹੁਤ ਵਧੀਆ ਕੰਮ ਕੀਤਾ। ਸਾਨੂੰ ਉਨ੍ਹਾਂ 'ਤੇ ਬਹੁਤ ਮਾਣ ਹੈ।",
        ar="كان عمل {child} اليوم رائعاً. نحن فخورون جداً بطفلكم.",
        bn="{child} আজ খুব ভালো কাজ করেছে। আমরা ওকে নিয়ে খুব গর্বিত।",
    ),
    _phrase(
        "praise.effort",
        "praise",
        en="{child} worked really hard today. Thank you for your support at home.",
        pl="Widzimy, jak ciężko {child} dziś pracuje. Dziękujemy za Państwa wsparcie w domu.",
        pl_gendered=(
            "{child} bardzo ciężko dziś pracował. Dziękujemy za Państwa wsparcie w domu.",
            "{child} bardzo ciężko dziś pracowała. Dziękujemy za Państwa wsparcie w domu.",
        ),
        ur="{child} نے آج بہت محنت کی۔ گھر پر آپ کے تعاون کا شکریہ۔",
        ro="{child} a muncit foarte mult astăzi. Vă mulțumim pentru sprijinul de acasă.",
        pa="{child} ਨੇ ਅੱਜ ਬਹੁਤ ਮਿਹਨਤ ਕੀਤੀ। ਘਰ ਵਿੱਚ ਤੁਹਾਡੇ ਸਹਿਯੋਗ ਲਈ ਧੰਨਵਾਦ।",
        ar="لاحظنا اليوم اجتهاد {child} الكبير. شكراً لدعمكم في البيت.",
        bn="{child} আজ খুব পরিশ্রম করেছে। বাড়িতে আপনার সহযোগিতার জন্য ধন্যবাদ।",
    ),
    _phrase(
        "praise.kindness",
        "praise",
        en="{child} was very kind to another pupil today. It made a real difference.",
        pl="Dziś widzieliśmy, ile życzliwości {child} okazuje innemu uczniowi. To naprawdę pomogło.",
        pl_gendered=(
            "Dziś {child} okazał dużo życzliwości innemu uczniowi. To naprawdę pomogło.",
            "Dziś {child} okazała dużo życzliwości innemu uczniowi. To naprawdę pomogło.",
        ),
        ur="{child} نے آج ایک دوسرے طالب علم کے ساتھ بہت مہربانی کی۔ اس سے واقعی بہت فرق پڑا۔",
        ro="{child} a dat astăzi dovadă de multă bunătate față de un alt elev. A contat cu adevărat.",
        pa="{child} ਨੇ ਅੱਜ ਇੱਕ ਹੋਰ ਵਿਦਿਆਰਥੀ ਨਾਲ ਬਹੁਤ ਪਿਆਰ ਭਰਿਆ ਵਿਹਾਰ ਕੀਤਾ। ਇਸ ਨਾਲ ਸੱਚਮੁੱਚ ਬਹੁਤ ਫ਼ਰਕ ਪਿਆ।",
        ar="لاحظنا اليوم لطف {child} الكبير مع تلميذ آخر. لقد أحدث ذلك فرقاً حقيقياً.",
        bn="{child} আজ আরেকজন শিক্ষার্থীর সঙ্গে খুব সদয় আচরণ করেছে। এতে সত্যিই অনেক উপকার হয়েছে।",
    ),
    _phrase(
        "praise.helpful",
        "praise",
        en="{child} was a great help in class today.",
        pl="Dziś na lekcji {child} jest dla nas wielką pomocą.",
        pl_gendered=(
            "Dziś {child} był dla nas wielką pomocą na lekcji.",
            "Dziś {child} była dla nas wielką pomocą na lekcji.",
        ),
        ur="{child} نے آج کلاس میں بہت مدد کی۔",
        ro="{child} ne-a ajutat foarte mult astăzi la oră.",
        pa="{child} ਨੇ ਅੱਜ ਕਲਾਸ ਵਿੱਚ ਬਹੁਤ ਮਦਦ ਕੀਤੀ।",
        ar="كانت مساعدة {child} لنا في الصف اليوم كبيرة جداً.",
        bn="{child} আজ ক্লাসে আমাদের অনেক সাহায্য করেছে।",
    ),
    _phrase(
        "praise.progress",
        "praise",
        en="{child} is making good progress. Thank you for all your support.",
        pl="{child} robi duże postępy. Dziękujemy za całe Państwa wsparcie.",
        ur="{child} کی پڑھائی میں اچھی ترقی ہو رہی ہے۔ آپ کے تمام تعاون کا شکریہ۔",
        ro="{child} face progrese frumoase. Vă mulțumim pentru tot sprijinul.",
        pa="{child} ਦੀ ਪੜ੍ਹਾਈ ਵਿੱਚ ਚੰਗੀ ਤਰੱਕੀ ਹੋ ਰਹੀ ਹੈ। ਤੁਹਾਡੇ ਸਾਰੇ ਸਹਿਯੋਗ ਲਈ ਧੰਨਵਾਦ।",
        ar="نرى تقدماً جيداً لدى {child}. شكراً لكل دعمكم.",
        bn="{child} ভালো অগ্রগতি করছে। আপনার সব সহযোগিতার জন্য ধন্যবাদ।",
    ),
    _phrase(
        "praise.reading",
        "praise",
        en="{child} read beautifully in class today.",
        pl="Na dzisiejszej lekcji słuchaliśmy, jak pięknie {child} czyta.",
        pl_gendered=(
            "{child} pięknie dziś czytał na lekcji.",
            "{child} pięknie dziś czytała na lekcji.",
        ),
        ur="{child} نے آج کلاس میں بہت اچھی طرح پڑھا۔",
        ro="{child} a citit foarte frumos astăzi la oră.",
        pa="{child} ਨੇ ਅੱਜ ਕਲਾਸ ਵਿੱਚ ਬਹੁਤ ਸੋਹਣਾ ਪੜ੍ਹਿਆ।",
        ar="كانت قراءة {child} في الصف اليوم جميلة جداً.",
        bn="{child} আজ ক্লাসে খুব সুন্দর করে পড়েছে।",
    ),
    _phrase(
        "praise.homework",
        "praise",
        en="{child} handed in excellent homework this week.",
        pl="{child} ma na koncie doskonałą pracę domową oddaną w tym tygodniu.",
        pl_gendered=(
            "{child} oddał w tym tygodniu doskonałą pracę domową.",
            "{child} oddała w tym tygodniu doskonałą pracę domową.",
        ),
        ur="{child} نے اس ہفتے بہت عمدہ ہوم ورک جمع کرایا۔",
        ro="{child} a predat săptămâna aceasta o temă excelentă.",
        pa="{child} ਨੇ ਇਸ ਹਫ਼ਤੇ ਬਹੁਤ ਵਧੀਆ ਹੋਮਵਰਕ ਜਮ੍ਹਾਂ ਕਰਵਾਇਆ।",
        ar="كان واجب {child} المنزلي هذا الأسبوع ممتازاً.",
        bn="{child} এই সপ্তাহে চমৎকার বাড়ির কাজ জমা দিয়েছে।",
    ),
    _phrase(
        "praise.attendance_improved",
        "praise",
        en="{child} is coming to school much more regularly now. Well done to all of you!",
        pl="{child} chodzi teraz do szkoły znacznie regularniej. Gratulujemy całej rodzinie!",
        ur="{child} کی حاضری میں واقعی بہتری آئی ہے۔ آپ سب کو شاباش!",
        ro="{child} vine acum mult mai regulat la școală. Felicitări întregii familii!",
        pa="{child} ਦੀ ਹਾਜ਼ਰੀ ਵਿੱਚ ਸੱਚਮੁੱਚ ਸੁਧਾਰ ਹੋਇਆ ਹੈ। ਤੁਹਾਡੇ ਸਾਰਿਆਂ ਲਈ ਸ਼ਾਬਾਸ਼!",
        ar="تحسّن حضور {child} إلى المدرسة كثيراً. أحسنتم جميعاً!",
        bn="{child}-এর উপস্থিতি সত্যিই অনেক ভালো হয়েছে। আপনাদের সবাইকে অভিনন্দন!",
    ),
    _phrase(
        "praise.star_of_the_week",
        "praise",
        en="{child} is our star of the week! We wanted you to know straight away.",
        pl="{child} jest naszą gwiazdą tygodnia! Chcieliśmy od razu Państwu o tym powiedzieć.",
        ur="{child} اس ہفتے کا ستارہ ہے! ہم آپ کو فوراً بتانا چاہتے تھے۔",
        ro="{child} este steaua săptămânii la noi! Am vrut să vă spunem imediat.",
        pa="{child} ਇਸ ਹਫ਼ਤੇ ਦਾ ਸਟਾਰ ਹੈ! ਅਸੀਂ ਤੁਹਾਨੂੰ ਤੁਰੰਤ ਦੱਸਣਾ ਚਾਹੁੰਦੇ ਸੀ।",
        ar="نجم هذا الأسبوع عندنا هو {child}! أردنا أن نخبركم فوراً.",
        bn="{child} এই সপ্তাহের সেরা শিক্ষার্থী! আমরা আপনাকে সঙ্গে সঙ্গে জানাতে চেয়েছিলাম।",
    ),
    _phrase(
        "praise.ideas",
        "praise",
        en="{child} shared some brilliant ideas in class today.",
        pl="Na dzisiejszej lekcji słyszeliśmy, jak świetne pomysły ma {child}.",
        pl_gendered=(
            "{child} podzielił się dziś na lekcji świetnymi pomysłami.",
            "{child} podzieliła się dziś na lekcji świetnymi pomysłami.",
        ),
        ur="{child} نے آج کلاس میں بہت شاندار خیالات پیش کیے۔",
        ro="{child} a venit astăzi la oră cu niște idei foarte bune.",
        pa="{child} ਨੇ ਅੱਜ ਕਲਾਸ ਵਿੱਚ ਬਹੁਤ ਵਧੀਆ ਵਿਚਾਰ ਸਾਂਝੇ ਕੀਤੇ।",
        ar="كانت أفكار {child} في الصف اليوم رائعة.",
        bn="{child} আজ ক্লাসে দারুণ কিছু ভাবনা সবার সঙ্গে ভাগ করে নিয়েছে।",
    ),
    _phrase(
        "praise.positive_week",
        "praise",
        en="{child} has had a really positive week. It has been lovely to see.",
        pl="{child} ma za sobą naprawdę udany tydzień. Bardzo miło było to widzieć.",
        ur="{child} کا یہ ہفتہ بہت اچھا گزرا۔ یہ دیکھ کر بہت خوشی ہوئی۔",
        ro="{child} a avut o săptămână foarte bună. Ne-a bucurat mult să vedem asta.",
        pa="{child} ਦਾ ਇਹ ਹਫ਼ਤਾ ਬਹੁਤ ਵਧੀਆ ਰਿਹਾ। ਇਹ ਦੇਖ ਕੇ ਬਹੁਤ ਖ਼ੁਸ਼ੀ ਹੋਈ।",
        ar="كان هذا الأسبوع رائعاً بالنسبة إلى {child}. سعدنا كثيراً برؤية ذلك.",
        bn="{child}-এর এই সপ্তাহটা খুব ভালো কেটেছে। এটা দেখে আমাদের খুব ভালো লেগেছে।",
    ),
    _phrase(
        "praise.teamwork",
        "praise",
        en="{child} worked very well with others today.",
        pl="Dziś widzieliśmy, jak świetnie {child} współpracuje z innymi.",
        pl_gendered=(
            "{child} świetnie dziś współpracował z innymi.",
            "{child} świetnie dziś współpracowała z innymi.",
        ),
        ur="{child} نے آج دوسروں کے ساتھ مل کر بہت اچھا کام کیا۔",
        ro="{child} a colaborat foarte bine cu ceilalți astăzi.",
        pa="{child} ਨੇ ਅੱਜ ਦੂਜਿਆਂ ਨਾਲ ਮਿਲ ਕੇ ਬਹੁਤ ਵਧੀਆ ਕੰਮ ਕੀਤਾ।",
        ar="كان تعاون {child} مع الآخرين اليوم ممتازاً.",
        bn="{child} আজ অন্যদের সঙ্গে মিলে খুব ভালো কাজ করেছে।",
    ),
    # --- Attendance ---------------------------------------------------------------------------
    _phrase(
        "attendance.not_in_today",
        "attendance",
        en=(
            "{child} is not in school today and we have not heard from you. We hope everything"
            " is all right. Please let us know when you can."
        ),
        pl=(
            "Odnotowaliśmy dziś nieobecność w szkole: {child}, a nie mamy od Państwa wiadomości. Mamy"
            " nadzieję, że wszystko jest w porządku. Prosimy o kontakt, gdy będzie to możliwe."
        ),
        pl_gendered=(
            "{child} jest dziś nieobecny w szkole, a nie mamy od Państwa wiadomości. Mamy"
            " nadzieję, że wszystko jest w porządku. Prosimy o kontakt, gdy będzie to możliwe.",
            "{child} jest dziś nieobecna w szkole, a nie mamy od Państwa wiadomości. Mamy"
            " nadzieję, że wszystko jest w porządku. Prosimy o kontakt, gdy będzie to możliwe.",
        ),
        ur=(
            "آج {child} اسکول میں موجود نہیں اور ہمیں آپ کی طرف سے کوئی اطلاع نہیں ملی۔ امید ہے"
            " سب خیریت ہے۔ جب ممکن ہو، براہ کرم ہمیں بتائیں۔"
        ),
        ro=(
            "{child} nu este astăzi la școală și nu am primit vești de la dumneavoastră. Sperăm"
            " că totul este în regulă. Vă rugăm să ne anunțați când puteți."
        ),
        pa=(
            "ਅੱਜ {child} ਸਕੂਲ ਵਿੱਚ ਮੌਜੂਦ ਨਹੀਂ ਹੈ ਅਤੇ ਸਾਨੂੰ ਤੁਹਾਡੇ ਵੱਲੋਂ ਕੋਈ ਸੂਚਨਾ ਨਹੀਂ ਮਿਲੀ। ਉਮੀਦ ਹੈ"
            " ਸਭ ਠੀਕ ਹੈ। ਜਦੋਂ ਹੋ ਸਕੇ, ਕਿਰਪਾ ਕਰਕੇ ਸਾਨੂੰ ਦੱਸੋ।"
        ),
        ar=(
            "لم نرَ {child} في المدرسة اليوم، ولم تصلنا رسالة منكم. نأمل أن يكون كل شيء على ما"
            " يرام. يُرجى إبلاغنا عندما تستطيعون."
        ),
        bn=(
            "{child} আজ স্কুলে আসেনি এবং আমরা আপনার কাছ থেকে কোনো খবর পাইনি। আশা করি সব ঠিক"
            " আছে। সম্ভব হলে অনুগ্রহ করে আমাদের জানান।"
        ),
    ),
    _phrase(
        "attendance.late",
        "attendance",
        en="{child} arrived late this morning. Is there anything we can help with?",
        pl="Odnotowaliśmy dziś rano spóźnienie do szkoły: {child}. Czy możemy w czymś pomóc?",
        pl_gendered=(
            "{child} spóźnił się dziś rano do szkoły. Czy możemy w czymś pomóc?",
            "{child} spóźniła się dziś rano do szkoły. Czy możemy w czymś pomóc?",
        ),
        ur="آج صبح {child} کو اسکول پہنچنے میں دیر ہو گئی۔ کیا ہم کسی طرح مدد کر سکتے ہیں؟",
        ro="{child} a întârziat azi-dimineață la școală. Vă putem ajuta cu ceva?",
        pa="ਅੱਜ ਸਵੇਰੇ {child} ਨੂੰ ਸਕੂਲ ਪਹੁੰਚਣ ਵਿੱਚ ਦੇਰ ਹੋ ਗਈ। ਕੀ ਅਸੀਂ ਕਿਸੇ ਤਰ੍ਹਾਂ ਮਦਦ ਕਰ ਸਕਦੇ ਹਾਂ?",
        ar="تأخّر وصول {child} إلى المدرسة هذا الصباح. هل يمكننا المساعدة في شيء؟",
        bn="{child} আজ সকালে স্কুলে দেরিতে এসেছে। আমরা কি কোনোভাবে সাহায্য করতে পারি?",
    ),
    _phrase(
        "attendance.unwell_thanks",
        "attendance",
        en="Thank you for letting us know that {child} is unwell. We hope they feel better soon.",
        pl="Dziękujemy za informację, że {child} źle się czuje. Życzymy szybkiego powrotu do zdrowia.",
        ur="یہ بتانے کا شکریہ کہ {child} کی طبیعت ٹھیک نہیں ہے۔ ہم جلد صحت یابی کے لیے دعاگو ہیں۔",
        ro="Vă mulțumim că ne-ați anunțat că {child} nu se simte bine. Sperăm să se facă bine repede.",
        pa="ਇਹ ਦੱਸਣ ਲਈ ਧੰਨਵਾਦ ਕਿ {child} ਦੀ ਤਬੀਅਤ ਠੀਕ ਨਹੀਂ ਹੈ। ਅਸੀਂ ਜਲਦੀ ਠੀਕ ਹੋਣ ਦੀ ਕਾਮਨਾ ਕਰਦੇ ਹਾਂ।",
        ar="شكراً لإبلاغنا بمرض {child}. نتمنى الشفاء العاجل.",
        bn="{child} অসুস্থ, এটা জানানোর জন্য ধন্যবাদ। আশা করি খুব তাড়াতাড়ি সুস্থ হয়ে উঠবে।",
    ),
    _phrase(
        "attendance.welcome_back",
        "attendance",
        en="It was lovely to have {child} back at school today.",
        pl="Bardzo się cieszymy, że {child} jest dziś znów w szkole.",
        pl_gendered=(
            "Bardzo się cieszymy, że {child} wrócił dziś do szkoły.",
            "Bardzo się cieszymy, że {child} wróciła dziś do szkoły.",
        ),
        ur="آج {child} کو دوبارہ اسکول میں دیکھ کر بہت خوشی ہوئی۔",
        ro="Ne-am bucurat mult că {child} s-a întors astăzi la școală.",
        pa="ਅੱਜ {child} ਨੂੰ ਦੁਬਾਰਾ ਸਕੂਲ ਵਿੱਚ ਦੇਖ ਕੇ ਬਹੁਤ ਖ਼ੁਸ਼ੀ ਹੋਈ।",
        ar="سعدنا كثيراً بعودة {child} إلى المدرسة اليوم.",
        bn="আজ {child}-কে আবার স্কুলে পেয়ে আমরা খুব খুশি।",
    ),
    _phrase(
        "attendance.missed_days",
        "attendance",
        en=(
            "We have noticed that {child} has missed some school recently. Could we talk"
            " together about how we can help?"
        ),
        pl=(
            "Zauważyliśmy, że ostatnio {child} ma kilka dni nieobecności w szkole. Czy moglibyśmy"
            " wspólnie porozmawiać o tym, jak możemy pomóc?"
        ),
        pl_gendered=(
            "Zauważyliśmy, że ostatnio {child} opuścił kilka dni w szkole. Czy moglibyśmy"
            " wspólnie porozmawiać o tym, jak możemy pomóc?",
            "Zauważyliśmy, że ostatnio {child} opuściła kilka dni w szkole. Czy moglibyśmy"
            " wspólnie porozmawiać o tym, jak możemy pomóc?",
        ),
        ur=(
            "ہم نے دیکھا ہے کہ حال ہی میں {child} کے کچھ دن اسکول سے چھوٹ گئے ہیں۔ کیا ہم مل کر"
            " بات کر سکتے ہیں کہ ہم کیسے مدد کر سکتے ہیں؟"
        ),
        ro=(
            "Am observat că în ultima vreme {child} a lipsit câteva zile de la școală. Putem"
            " vorbi împreună despre cum am putea ajuta?"
        ),
        pa=(
            "ਅਸੀਂ ਦੇਖਿਆ ਹੈ ਕਿ ਹਾਲ ਹੀ ਵਿੱਚ {child} ਦੇ ਕੁਝ ਦਿਨ ਸਕੂਲ ਤੋਂ ਖੁੰਝ ਗਏ ਹਨ। ਕੀ ਅਸੀਂ ਮਿਲ ਕੇ"
            " ਗੱਲ ਕਰ ਸਕਦੇ ਹਾਂ ਕਿ ਅਸੀਂ ਕਿਵੇਂ ਮਦਦ ਕਰ ਸਕਦੇ ਹਾਂ?"
        ),
        ar="لاحظنا غياب {child} عن المدرسة عدة أيام مؤخراً. هل يمكننا أن نتحدث معاً عن كيفية المساعدة؟",
        bn=(
            "আমরা লক্ষ করেছি, সম্প্রতি {child} কয়েক দিন স্কুলে আসতে পারেনি। কীভাবে সাহায্য করা"
            " যায়, তা নিয়ে কি আমরা একসঙ্গে কথা বলতে পারি?"
        ),
    ),
    _phrase(
        "attendance.appointments",
        "attendance",
        en=(
            "If {child} has an appointment during the school day, please let the school office"
            " know beforehand."
        ),
        pl=(
            "Jeśli {child} ma wizytę (na przykład u lekarza) w godzinach lekcji, prosimy"
            " wcześniej powiadomić sekretariat szkoły."
        ),
        ur="اگر اسکول کے اوقات میں {child} کی کوئی اپائنٹمنٹ ہو تو براہ کرم پہلے سے اسکول آفس کو بتا دیں۔",
        ro=(
            "Dacă {child} are o programare în timpul orelor, vă rugăm să anunțați din timp"
            " secretariatul școlii."
        ),
        pa=("ਜੇ ਸਕੂਲ ਦੇ ਸਮੇਂ ਦੌਰਾਨ {child} ਦੀ ਕੋਈ ਅਪਾਇੰਟਮੈਂਟ ਹੋਵੇ, ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ ਪਹਿਲਾਂ ਹੀ ਸਕੂਲ ਦਫ਼ਤਰ ਨੂੰ ਦੱਸ ਦਿਓ।"),
        ar="إذا كان لدى {child} موعد خلال اليوم الدراسي، يُرجى إبلاغ مكتب المدرسة مسبقاً.",
        bn="স্কুল চলাকালীন {child}-এর কোনো অ্যাপয়েন্টমেন্ট থাকলে অনুগ্রহ করে আগে থেকেই স্কুল অফিসকে জানান।",
    ),
    # --- Homework -----------------------------------------------------------------------------
    _phrase(
        "homework.still_to_hand_in",
        "homework",
        en=(
            "{child} has some homework still to hand in. Could you help to find a quiet time"
            " at home to finish it?"
        ),
        pl=(
            "{child} ma jeszcze do oddania pracę domową. Czy mogą Państwo pomóc znaleźć w domu"
            " spokojny czas na jej dokończenie?"
        ),
        ur=(
            "{child} کا کچھ ہوم ورک ابھی جمع ہونا باقی ہے۔ کیا آپ اسے مکمل کرنے کے لیے گھر پر"
            " کوئی پرسکون وقت نکالنے میں مدد کر سکتے ہیں؟"
        ),
        ro=(
            "{child} mai are de predat o temă. Ne puteți ajuta să găsim acasă un moment liniștit"
            " pentru a o termina?"
        ),
        pa=(
            "{child} ਦਾ ਕੁਝ ਹੋਮਵਰਕ ਹਾਲੇ ਜਮ੍ਹਾਂ ਕਰਵਾਉਣਾ ਬਾਕੀ ਹੈ। ਕੀ ਤੁਸੀਂ ਇਸ ਨੂੰ ਪੂਰਾ ਕਰਨ ਲਈ ਘਰ ਵਿੱਚ"
            " ਕੋਈ ਸ਼ਾਂਤ ਸਮਾਂ ਲੱਭਣ ਵਿੱਚ ਮਦਦ ਕਰ ਸਕਦੇ ਹੋ?"
        ),
        ar="لدى {child} واجب منزلي لم يُسلَّم بعد. هل يمكنكم المساعدة في إيجاد وقت هادئ في البيت لإكماله؟",
        bn=(
            "{child}-এর কিছু বাড়ির কাজ এখনও জমা দেওয়া বাকি। এটা শেষ করার জন্য বাড়িতে একটু শান্ত"
            " সময় খুঁজে নিতে আপনি কি সাহায্য করতে পারবেন?"
        ),
    ),
    _phrase(
        "homework.set_online",
        "homework",
        en="New homework has been set online. {child} can find it in School Window.",
        pl="Nowa praca domowa jest dostępna online. {child} znajdzie ją w School Window.",
        ur="نیا ہوم ورک آن لائن دے دیا گیا ہے۔ {child} کو یہ School Window میں مل جائے گا۔",
        ro="O temă nouă a fost publicată online. {child} o găsește în School Window.",
        pa="ਨਵਾਂ ਹੋਮਵਰਕ ਆਨਲਾਈਨ ਦੇ ਦਿੱਤਾ ਗਿਆ ਹੈ। {child} ਨੂੰ ਇਹ School Window ਵਿੱਚ ਮਿਲ ਜਾਵੇਗਾ।",
        ar="تم نشر واجب منزلي جديد على الإنترنت، وهو موجود في حساب {child} على School Window.",
        bn="নতুন বাড়ির কাজ অনলাইনে দেওয়া হয়েছে। {child} এটি School Window-তে দেখতে পাবে।",
    ),
    _phrase(
        "homework.club",
        "homework",
        en="Homework club runs after school. {child} is very welcome to come along.",
        pl="Po lekcjach działa klub odrabiania lekcji. {child} może zawsze do nas przyjść — serdecznie zapraszamy.",
        pl_gendered=(
            "Po lekcjach działa klub odrabiania lekcji. {child} jest tam zawsze mile widziany.",
            "Po lekcjach działa klub odrabiania lekcji. {child} jest tam zawsze mile widziana.",
        ),
        ur="اسکول کے بعد ہوم ورک کلب ہوتا ہے۔ {child} کو اس میں آنے کی پوری دعوت ہے۔",
        ro="După ore funcționează un club pentru teme. Ne-ar bucura să vină și {child}.",
        pa="ਸਕੂਲ ਤੋਂ ਬਾਅਦ ਹੋਮਵਰਕ ਕਲੱਬ ਲੱਗਦਾ ਹੈ। {child} ਨੂੰ ਇਸ ਵਿੱਚ ਆਉਣ ਦਾ ਪੂਰਾ ਸੱਦਾ ਹੈ।",
        ar="يوجد نادٍ للواجبات المنزلية بعد المدرسة. يسعدنا انضمام {child} إليه.",
        bn="স্কুলের পরে হোমওয়ার্ক ক্লাব হয়। {child} সেখানে এলে আমরা খুব খুশি হব।",
    ),
    _phrase(
        "homework.thanks_for_helping",
        "homework",
        en="Thank you for helping {child} with homework. It really shows.",
        pl=(
            "Dziękujemy za pomoc, jaką {child} otrzymuje w domu przy pracy domowej. Naprawdę to"
            " widać."
        ),
        ur="{child} کے ہوم ورک میں مدد کرنے کا شکریہ۔ اس کا اثر واقعی نظر آتا ہے۔",
        ro="Vă mulțumim pentru ajutorul pe care {child} îl primește acasă la teme. Se vede cu adevărat.",
        pa="{child} ਦੀ ਹੋਮਵਰਕ ਵਿੱਚ ਮਦਦ ਕਰਨ ਲਈ ਧੰਨਵਾਦ। ਇਸ ਦਾ ਅਸਰ ਸੱਚਮੁੱਚ ਦਿਸਦਾ ਹੈ।",
        ar="شكراً لمساعدتكم {child} في الواجبات المنزلية. الفرق واضح حقاً.",
        bn="বাড়ির কাজে {child}-কে সাহায্য করার জন্য ধন্যবাদ। এর ফল সত্যিই চোখে পড়ছে।",
    ),
    _phrase(
        "homework.project_due",
        "homework",
        en="A reminder that {child}'s project is due in on Friday.",
        pl="Przypominamy, że {child} ma oddać projekt w piątek.",
        ur="یاد دہانی: {child} کا پروجیکٹ جمعہ کو جمع کروانا ہے۔",
        ro="Vă reamintim că {child} trebuie să predea proiectul vineri.",
        pa="ਯਾਦ ਰਹੇ ਕਿ {child} ਦਾ ਪ੍ਰੋਜੈਕਟ ਸ਼ੁੱਕਰਵਾਰ ਨੂੰ ਜਮ੍ਹਾਂ ਕਰਵਾਉਣਾ ਹੈ।",
        ar="نذكّركم بأن موعد تسليم مشروع {child} هو يوم الجمعة.",
        bn="মনে করিয়ে দিচ্ছি, {child}-এর প্রজেক্ট শুক্রবার জমা দিতে হবে।",
    ),
    _phrase(
        "homework.reading_at_home",
        "homework",
        en="Reading together for ten minutes a day helps {child} a lot. Any language is fine.",
        pl=(
            "Dziesięć minut wspólnego czytania dziennie bardzo pomaga. {child} naprawdę na tym"
            " skorzysta. Może to być czytanie w dowolnym języku."
        ),
        ur="روزانہ دس منٹ مل کر پڑھنے سے {child} کو بہت فائدہ ہوتا ہے۔ کسی بھی زبان میں پڑھنا ٹھیک ہے۔",
        ro="Zece minute de citit împreună pe zi fac o mare diferență pentru {child}. Puteți citi în orice limbă.",
        pa="ਰੋਜ਼ਾਨਾ ਦਸ ਮਿੰਟ ਇਕੱਠੇ ਪੜ੍ਹਨ ਨਾਲ {child} ਨੂੰ ਬਹੁਤ ਫ਼ਾਇਦਾ ਹੁੰਦਾ ਹੈ। ਕਿਸੇ ਵੀ ਭਾਸ਼ਾ ਵਿੱਚ ਪੜ੍ਹਨਾ ਠੀਕ ਹੈ।",
        ar="القراءة معاً عشر دقائق يومياً تفيد {child} كثيراً. القراءة بأي لغة مناسبة تماماً.",
        bn="প্রতিদিন দশ মিনিট একসঙ্গে পড়লে {child}-এর অনেক উপকার হয়। যেকোনো ভাষায় পড়লেই চলবে।",
    ),
    # --- Events and reminders -----------------------------------------------------------------
    _phrase(
        "events.parents_evening",
        "events",
        en="Parents' evening is coming up soon. We would love to see you there.",
        pl="Wkrótce odbędzie się zebranie z rodzicami. Bardzo chcielibyśmy się z Państwem spotkać.",
        ur="جلد ہی والدین کی میٹنگ ہونے والی ہے۔ ہمیں آپ سے وہاں مل کر بہت خوشی ہوگی۔",
        ro="În curând are loc ședința cu părinții. Ne-ar face mare plăcere să vă vedem acolo.",
        pa="ਜਲਦੀ ਹੀ ਮਾਪਿਆਂ ਦੀ ਮੀਟਿੰਗ ਹੋਣ ਵਾਲੀ ਹੈ। ਸਾਨੂੰ ਤੁਹਾਨੂੰ ਉੱਥੇ ਮਿਲ ਕੇ ਬਹੁਤ ਖ਼ੁਸ਼ੀ ਹੋਵੇਗੀ।",
        ar="سيُعقد لقاء أولياء الأمور قريباً. يسعدنا كثيراً أن نراكم هناك.",
        bn="শিগগিরই অভিভাবক সভা হবে। সেখানে আপনাকে দেখতে পেলে আমরা খুব খুশি হব।",
    ),
    _phrase(
        "events.school_closed",
        "events",
        en=(
            "{school} will be closed tomorrow. We will tell you as soon as we know when it"
            " will open again."
        ),
        pl=(
            "Jutro szkoła {school} będzie zamknięta. Damy Państwu znać, gdy tylko będziemy"
            " wiedzieć, kiedy zostanie ponownie otwarta."
        ),
        ur=(
            "{school} کل بند رہے گا۔ جیسے ہی ہمیں معلوم ہوگا کہ یہ دوبارہ کب کھلے گا، ہم آپ کو"
            " بتا دیں گے۔"
        ),
        ro="Mâine școala {school} va fi închisă. Vă anunțăm de îndată ce știm când se redeschide.",
        pa=("{school} ਕੱਲ੍ਹ ਬੰਦ ਰਹੇਗਾ। ਜਿਵੇਂ ਹੀ ਸਾਨੂੰ ਪਤਾ ਲੱਗੇਗਾ ਕਿ ਇਹ ਦੁਬਾਰਾ ਕਦੋਂ ਖੁੱਲ੍ਹੇਗਾ, ਅਸੀਂ ਤੁਹਾਨੂੰ ਦੱਸ ਦੇਵਾਂਗੇ।"),
        ar="ستكون مدرسة {school} مغلقة غداً. سنخبركم فور معرفتنا موعد إعادة فتحها.",
        bn="আগামীকাল {school} বন্ধ থাকবে। কবে আবার খুলবে জানতে পারলেই আমরা আপনাকে জানাব।",
    ),
    _phrase(
        "events.trip_consent",
        "events",
        en=(
            "{child}'s class is going on a school trip. Please fill in the consent form by Friday."
        ),
        pl=(
            "Klasa, do której chodzi {child}, jedzie na wycieczkę szkolną. Prosimy o wypełnienie"
            " formularza zgody do piątku."
        ),
        ur="{child} کی کلاس اسکول ٹرپ پر جا رہی ہے۔ براہ کرم جمعہ تک اجازت نامہ پُر کر دیں۔",
        ro=(
            "Clasa în care învață {child} merge într-o excursie școlară. Vă rugăm să completați"
            " formularul de acord până vineri."
        ),
        pa="{child} ਦੀ ਕਲਾਸ ਸਕੂਲ ਟ੍ਰਿਪ 'ਤੇ ਜਾ ਰਹੀ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਸ਼ੁੱਕਰਵਾਰ ਤੱਕ ਸਹਿਮਤੀ ਫ਼ਾਰਮ ਭਰ ਦਿਓ।",
        ar="سيذهب صف {child} في رحلة مدرسية. يُرجى تعبئة استمارة الموافقة قبل يوم الجمعة.",
        bn="{child}-এর ক্লাস একটি স্কুল ভ্রমণে যাচ্ছে। অনুগ্রহ করে শুক্রবারের মধ্যে সম্মতিপত্রটি পূরণ করুন।",
    ),
    _phrase(
        "events.training_day",
        "events",
        en="A reminder: there is no school for pupils on Monday. It is a staff training day.",
        pl="Przypominamy: w poniedziałek uczniowie nie mają lekcji. To dzień szkoleniowy dla nauczycieli.",
        ur="یاد دہانی: پیر کو طلبہ کی چھٹی ہے۔ اس دن عملے کی تربیت ہوگی۔",
        ro="Vă reamintim: luni elevii nu au ore. Este o zi de formare pentru personal.",
        pa="ਯਾਦ ਰਹੇ: ਸੋਮਵਾਰ ਨੂੰ ਵਿਦਿਆਰਥੀਆਂ ਦੀ ਛੁੱਟੀ ਹੈ। ਉਸ ਦਿਨ ਸਟਾਫ਼ ਦੀ ਸਿਖਲਾਈ ਹੈ।",
        ar="تذكير: لا يوجد دوام للتلاميذ يوم الاثنين، فهو يوم تدريب للموظفين.",
        bn="মনে করিয়ে দিচ্ছি: সোমবার শিক্ষার্থীদের স্কুল ছুটি। সেদিন কর্মীদের প্রশিক্ষণ।",
    ),
    _phrase(
        "events.pe_kit",
        "events",
        en="{child} has PE tomorrow. Please remember the PE kit.",
        pl="Jutro {child} ma WF. Prosimy pamiętać o stroju sportowym.",
        ur="کل {child} کی پی ای (کھیل) کی کلاس ہے۔ براہ کرم کھیل کا لباس یاد سے بھیجیں۔",
        ro="Mâine {child} are oră de educație fizică. Vă rugăm să nu uitați echipamentul de sport.",
        pa="ਕੱਲ੍ਹ {child} ਦੀ ਪੀ.ਈ. (ਖੇਡਾਂ) ਦੀ ਕਲਾਸ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਖੇਡਾਂ ਵਾਲੇ ਕੱਪੜੇ ਯਾਦ ਨਾਲ ਭੇਜੋ।",
        ar="لدى {child} حصة رياضة غداً. يُرجى تذكّر ملابس الرياضة.",
        bn="আগামীকাল {child}-এর পিই (খেলাধুলা) ক্লাস আছে। অনুগ্রহ করে খেলার পোশাক পাঠাতে ভুলবেন না।",
    ),
    _phrase(
        "events.new_term",
        "events",
        en="The new term starts on Monday. We look forward to seeing {child}.",
        pl="Nowy semestr zaczyna się w poniedziałek. Cieszymy się, że {child} znów będzie z nami.",
        ur="نیا ٹرم پیر سے شروع ہو رہا ہے۔ ہم {child} سے ملنے کے منتظر ہیں۔",
        ro="Noul trimestru începe luni. Ne bucurăm că {child} va fi din nou alături de noi.",
        pa="ਨਵਾਂ ਟਰਮ ਸੋਮਵਾਰ ਤੋਂ ਸ਼ੁਰੂ ਹੋ ਰਿਹਾ ਹੈ। ਅਸੀਂ {child} ਨੂੰ ਮਿਲਣ ਦੀ ਉਡੀਕ ਕਰ ਰਹੇ ਹਾਂ।",
        ar="يبدأ الفصل الدراسي الجديد يوم الاثنين. نتطلع إلى رؤية {child}.",
        bn="নতুন টার্ম সোমবার শুরু হচ্ছে। {child}-কে আবার দেখার অপেক্ষায় আছি।",
    ),
    _phrase(
        "events.school_show",
        "events",
        en="{child} is taking part in our school show. Families are warmly invited to come and watch.",
        pl="{child} występuje w naszym szkolnym przedstawieniu. Serdecznie zapraszamy rodziny na widownię.",
        ur="ہمارے اسکول کے شو میں {child} کا بھی حصہ ہے۔ گھر والوں کو دیکھنے کے لیے دل سے دعوت ہے۔",
        ro="{child} participă la spectacolul școlii. Familiile sunt invitate cu drag să vină să-l vadă.",
        pa="ਸਾਡੇ ਸਕੂਲ ਦੇ ਸ਼ੋਅ ਵਿੱਚ {child} ਦਾ ਵੀ ਹਿੱਸਾ ਹੈ। ਪਰਿਵਾਰਾਂ ਨੂੰ ਦੇਖਣ ਆਉਣ ਦਾ ਨਿੱਘਾ ਸੱਦਾ ਹੈ।",
        ar="يسعدنا أن نخبركم بمشاركة {child} في عرض المدرسة. العائلات مدعوة بكل سرور للحضور والمشاهدة.",
        bn="{child} আমাদের স্কুলের অনুষ্ঠানে অংশ নিচ্ছে। দেখতে আসার জন্য পরিবারগুলোকে সাদর আমন্ত্রণ।",
    ),
    _phrase(
        "events.form_reminder",
        "events",
        en="A gentle reminder: we are still waiting for a form. Please return it when you can.",
        pl="Uprzejmie przypominamy: wciąż czekamy na formularz. Prosimy o jego zwrot, gdy tylko będzie to możliwe.",
        ur="ایک یاد دہانی: ہمیں ابھی ایک فارم کا انتظار ہے۔ جب ممکن ہو، براہ کرم اسے واپس کر دیں۔",
        ro="O mică reamintire: încă așteptăm un formular. Vă rugăm să ni-l trimiteți când puteți.",
        pa="ਇੱਕ ਯਾਦ-ਦਹਾਨੀ: ਸਾਨੂੰ ਹਾਲੇ ਇੱਕ ਫ਼ਾਰਮ ਦੀ ਉਡੀਕ ਹੈ। ਜਦੋਂ ਹੋ ਸਕੇ, ਕਿਰਪਾ ਕਰਕੇ ਇਸ ਨੂੰ ਵਾਪਸ ਭੇਜ ਦਿਓ।",
        ar="تذكير لطيف: ما زلنا ننتظر استمارة منكم. يُرجى إعادتها عندما تستطيعون.",
        bn="একটি ছোট্ট অনুস্মারক: আমরা এখনও একটি ফর্মের অপেক্ষায় আছি। সুবিধামতো অনুগ্রহ করে সেটি ফেরত দিন।",
    ),
    # --- Wellbeing and support ----------------------------------------------------------------
    _phrase(
        "wellbeing.harder_day",
        "wellbeing",
        en=(
            "{child} seemed a little upset today. We wanted to let you know, and we are here"
            " if you would like to talk."
        ),
        pl=(
            "Zauważyliśmy dziś, że {child} jest trochę nie w humorze. Chcieliśmy Państwu o tym"
            " powiedzieć. Jesteśmy do dyspozycji, jeśli chcieliby Państwo porozmawiać."
        ),
        ur=(
            "آج ہمیں لگا کہ {child} کچھ پریشان ہے۔ ہم آپ کو بتانا چاہتے تھے۔ اگر آپ بات کرنا"
            " چاہیں تو ہم حاضر ہیں۔"
        ),
        ro=(
            "Astăzi am simțit că {child} are o zi mai grea. Am vrut să vă spunem și suntem aici"
            " dacă doriți să vorbim."
        ),
        pa=(
            "ਅੱਜ ਸਾਨੂੰ ਲੱਗਾ ਕਿ {child} ਕੁਝ ਪਰੇਸ਼ਾਨ ਹੈ। ਅਸੀਂ ਤੁਹਾਨੂੰ ਦੱਸਣਾ ਚਾਹੁੰਦੇ ਸੀ। ਜੇ ਤੁਸੀਂ ਗੱਲ"
            " ਕਰਨੀ ਚਾਹੋ, ਤਾਂ ਅਸੀਂ ਹਾਜ਼ਰ ਹਾਂ।"
        ),
        ar="شعرنا اليوم أن يوم {child} كان صعباً بعض الشيء. أردنا إخباركم، ونحن هنا إن رغبتم في التحدث.",
        bn="আজ {child}-এর একটু মন খারাপ মনে হচ্ছিল। আমরা আপনাকে জানাতে চেয়েছিলাম। কথা বলতে চাইলে আমরা আছি।",
    ),
    _phrase(
        "wellbeing.thinking_of_you",
        "wellbeing",
        en=(
            "We are thinking of you and your family. If there is anything we can do to help,"
            " please tell us."
        ),
        pl=(
            "Myślimy o Państwu i całej rodzinie. Jeśli możemy w czymkolwiek pomóc, prosimy dać"
            " nam znać."
        ),
        ur="ہم آپ اور آپ کے گھر والوں کو یاد کر رہے ہیں۔ اگر ہم کسی بھی طرح مدد کر سکیں تو براہ کرم ہمیں بتائیں۔",
        ro=(
            "Ne gândim la dumneavoastră și la familia dumneavoastră. Dacă vă putem ajuta cu ceva,"
            " vă rugăm să ne spuneți."
        ),
        pa=(
            "ਅਸੀਂ ਤੁਹਾਨੂੰ ਅਤੇ ਤੁਹਾਡੇ ਪਰਿਵਾਰ ਨੂੰ ਯਾਦ ਕਰ ਰਹੇ ਹਾਂ। ਜੇ ਅਸੀਂ ਕਿਸੇ ਵੀ ਤਰ੍ਹਾਂ ਮਦਦ ਕਰ ਸਕੀਏ,"
            " ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ ਸਾਨੂੰ ਦੱਸੋ।"
        ),
        ar="نحن نفكر فيكم وفي عائلتكم. إذا كان بإمكاننا المساعدة بأي شيء، يُرجى إخبارنا.",
        bn="আমরা আপনার ও আপনার পরিবারের কথা ভাবছি। কোনোভাবে সাহায্য করতে পারলে অনুগ্রহ করে আমাদের জানান।",
    ),
    _phrase(
        "wellbeing.free_meals",
        "wellbeing",
        en=(
            "Your family may be able to get free school meals. We can help you apply — just"
            " reply to this message."
        ),
        pl=(
            "Państwa rodzina może mieć prawo do bezpłatnych posiłków w szkole. Chętnie pomożemy"
            " złożyć wniosek — wystarczy odpowiedzieć na tę wiadomość."
        ),
        ur=(
            "ہو سکتا ہے آپ کا خاندان مفت اسکول کھانے کا حقدار ہو۔ ہم درخواست دینے میں آپ کی مدد"
            " کر سکتے ہیں — بس اس پیغام کا جواب دیں۔"
        ),
        ro=(
            "Familia dumneavoastră ar putea avea dreptul la mese gratuite la școală. Vă putem"
            " ajuta să faceți cererea — trebuie doar să răspundeți la acest mesaj."
        ),
        pa=(
            "ਹੋ ਸਕਦਾ ਹੈ ਤੁਹਾਡਾ ਪਰਿਵਾਰ ਮੁਫ਼ਤ ਸਕੂਲੀ ਖਾਣੇ ਦਾ ਹੱਕਦਾਰ ਹੋਵੇ। ਅਸੀਂ ਅਰਜ਼ੀ ਦੇਣ ਵਿੱਚ ਤੁਹਾਡੀ"
            " ਮਦਦ ਕਰ ਸਕਦੇ ਹਾਂ — ਬੱਸ ਇਸ ਸੁਨੇਹੇ ਦਾ ਜਵਾਬ ਦਿਓ।"
        ),
        ar=(
            "قد تكون عائلتكم مؤهلة للحصول على وجبات مدرسية مجانية. يمكننا مساعدتكم في التقديم"
            " — فقط ردّوا على هذه الرسالة."
        ),
        bn=(
            "আপনার পরিবার হয়তো বিনামূল্যে স্কুলের খাবার পেতে পারে। আবেদন করতে আমরা সাহায্য করতে"
            " পারি — শুধু এই বার্তার উত্তর দিন।"
        ),
    ),
    _phrase(
        "wellbeing.contact_us_anytime",
        "wellbeing",
        en="You can contact us at any time if you are worried about {child}.",
        pl="Jeśli martwią się Państwo o dziecko ({child}), mogą Państwo skontaktować się z nami w każdej chwili.",
        ur="اگر آپ کو {child} کے بارے میں کوئی فکر ہو تو آپ کسی بھی وقت ہم سے رابطہ کر سکتے ہیں۔",
        ro="Ne puteți contacta oricând dacă vă faceți griji pentru {child}.",
        pa="ਜੇ ਤੁਹਾਨੂੰ {child} ਬਾਰੇ ਕੋਈ ਚਿੰਤਾ ਹੋਵੇ, ਤਾਂ ਤੁਸੀਂ ਕਿਸੇ ਵੀ ਸਮੇਂ ਸਾਡੇ ਨਾਲ ਸੰਪਰਕ ਕਰ ਸਕਦੇ ਹੋ।",
        ar="يمكنكم التواصل معنا في أي وقت إذا كنتم قلقين بشأن {child}.",
        bn="{child}-কে নিয়ে কোনো দুশ্চিন্তা থাকলে যেকোনো সময় আমাদের সঙ্গে যোগাযোগ করতে পারেন।",
    ),
    _phrase(
        "wellbeing.settling_in",
        "wellbeing",
        en="{child} is settling in well and is starting to make friends.",
        pl="{child} dobrze się u nas odnajduje i zaczyna nawiązywać przyjaźnie.",
        ur="{child} کا یہاں اچھی طرح دل لگ رہا ہے اور دوستیاں بننا شروع ہو گئی ہیں۔",
        ro="{child} se acomodează bine la noi și începe să-și facă prieteni.",
        pa="{child} ਦਾ ਇੱਥੇ ਚੰਗੀ ਤਰ੍ਹਾਂ ਦਿਲ ਲੱਗ ਰਿਹਾ ਹੈ ਅਤੇ ਦੋਸਤੀਆਂ ਬਣਨੀਆਂ ਸ਼ੁਰੂ ਹੋ ਗਈਆਂ ਹਨ।",
        ar="نرى أن تأقلم {child} في المدرسة يسير بشكل جيد، وبدأت الصداقات تتكوّن.",
        bn="{child} এখানে ভালোভাবে মানিয়ে নিচ্ছে এবং বন্ধু বানাতে শুরু করেছে।",
    ),
    _phrase(
        "wellbeing.extra_support",
        "wellbeing",
        en=(
            "We would like to offer {child} some extra support in school. Could we talk about"
            " it together?"
        ),
        pl=(
            "Chcielibyśmy zaproponować Państwa dziecku ({child}) dodatkowe wsparcie w szkole. Czy możemy"
            " wspólnie o tym porozmawiać?"
        ),
        pl_gendered=(
            "Chcielibyśmy, aby {child} otrzymywał w szkole dodatkowe wsparcie. Czy możemy"
            " wspólnie o tym porozmawiać?",
            "Chcielibyśmy, aby {child} otrzymywała w szkole dodatkowe wsparcie. Czy możemy"
            " wspólnie o tym porozmawiać?",
        ),
        ur="ہم اسکول میں {child} کو کچھ اضافی مدد دینا چاہتے ہیں۔ کیا ہم مل کر اس بارے میں بات کر سکتے ہیں؟",
        ro="Am dori ca {child} să primească ajutor suplimentar la școală. Putem vorbi împreună despre asta?",
        pa=("ਅਸੀਂ ਸਕੂਲ ਵਿੱਚ {child} ਨੂੰ ਕੁਝ ਵਾਧੂ ਸਹਾਇਤਾ ਦੇਣਾ ਚਾਹੁੰਦੇ ਹਾਂ। ਕੀ ਅਸੀਂ ਮਿਲ ਕੇ ਇਸ ਬਾਰੇ ਗੱਲ ਕਰ ਸਕਦੇ ਹਾਂ?"),
        ar="نودّ تقديم دعم إضافي إلى {child} في المدرسة. هل يمكننا التحدث عن ذلك معاً؟",
        bn="আমরা স্কুলে {child}-কে কিছু বাড়তি সহায়তা দিতে চাই। এ নিয়ে কি আমরা একসঙ্গে কথা বলতে পারি?",
    ),
    # --- General ------------------------------------------------------------------------------
    _phrase(
        "general.please_call",
        "general",
        en="Could you call the school office when you have a moment? It is nothing to worry about.",
        pl=(
            "Czy mogliby Państwo zadzwonić do sekretariatu szkoły, gdy znajdą Państwo chwilę?"
            " Nie ma powodu do niepokoju."
        ),
        ur="جب آپ کو وقت ملے تو کیا آپ اسکول آفس کو فون کر سکتے ہیں؟ پریشانی کی کوئی بات نہیں ہے۔",
        ro="Ne puteți suna la secretariatul școlii când aveți un moment? Nu este nimic îngrijorător.",
        pa="ਜਦੋਂ ਤੁਹਾਡੇ ਕੋਲ ਸਮਾਂ ਹੋਵੇ, ਕੀ ਤੁਸੀਂ ਸਕੂਲ ਦਫ਼ਤਰ ਨੂੰ ਫ਼ੋਨ ਕਰ ਸਕਦੇ ਹੋ? ਚਿੰਤਾ ਵਾਲੀ ਕੋਈ ਗੱਲ ਨਹੀਂ ਹੈ।",
        ar="هل يمكنكم الاتصال بمكتب المدرسة عندما يتوفر لديكم وقت؟ لا يوجد ما يدعو للقلق.",
        bn="সময় পেলে আপনি কি স্কুল অফিসে একবার ফোন করবেন? চিন্তার কিছু নেই।",
    ),
    _phrase(
        "general.meeting",
        "general",
        en="We would like to meet you to talk about how {child} is getting on. When would suit you?",
        pl=(
            "Chcielibyśmy się z Państwem spotkać i porozmawiać o tym, jak radzi sobie {child}."
            " Jaki termin będzie Państwu odpowiadał?"
        ),
        ur=(
            "ہم آپ سے مل کر بات کرنا چاہتے ہیں کہ {child} کی پڑھائی کیسی چل رہی ہے۔ آپ کے لیے"
            " کون سا وقت مناسب ہوگا؟"
        ),
        ro=(
            "Am dori să ne întâlnim cu dumneavoastră ca să vorbim despre cum se descurcă {child}."
            " Când v-ar fi potrivit?"
        ),
        pa=(
            "ਅਸੀਂ ਤੁਹਾਨੂੰ ਮਿਲ ਕੇ ਗੱਲ ਕਰਨੀ ਚਾਹੁੰਦੇ ਹਾਂ ਕਿ {child} ਦੀ ਪੜ੍ਹਾਈ ਕਿਵੇਂ ਚੱਲ ਰਹੀ ਹੈ। ਤੁਹਾਡੇ"
            " ਲਈ ਕਿਹੜਾ ਸਮਾਂ ਠੀਕ ਰਹੇਗਾ?"
        ),
        ar="نودّ أن نلتقي بكم للحديث عن أحوال {child} في المدرسة. ما الوقت المناسب لكم؟",
        bn="{child} কেমন করছে, তা নিয়ে কথা বলতে আমরা আপনার সঙ্গে দেখা করতে চাই। কখন আপনার সুবিধা হবে?",
    ),
    _phrase(
        "general.check_details",
        "general",
        en="Please check that we have your current phone number and email address.",
        pl="Prosimy sprawdzić, czy mamy Państwa aktualny numer telefonu i adres e-mail.",
        ur="براہ کرم تصدیق کریں کہ ہمارے پاس آپ کا موجودہ فون نمبر اور ای میل ایڈریس ہے۔",
        ro="Vă rugăm să verificați dacă avem numărul de telefon și adresa de e-mail actuale.",
        pa="ਕਿਰਪਾ ਕਰਕੇ ਜਾਂਚ ਕਰੋ ਕਿ ਸਾਡੇ ਕੋਲ ਤੁਹਾਡਾ ਮੌਜੂਦਾ ਫ਼ੋਨ ਨੰਬਰ ਅਤੇ ਈਮੇਲ ਪਤਾ ਹੈ।",
        ar="يُرجى التأكد من أن لدينا رقم هاتفكم وبريدكم الإلكتروني الحاليين.",
        bn="অনুগ্রহ করে দেখে নিন, আপনার বর্তমান ফোন নম্বর ও ইমেল ঠিকানা আমাদের কাছে আছে কি না।",
    ),
    _phrase(
        "general.interpreter",
        "general",
        en="If you would like an interpreter for a meeting, please tell us. It is free.",
        pl=(
            "Jeśli chcieliby Państwo skorzystać z pomocy tłumacza podczas spotkania, prosimy nam"
            " o tym powiedzieć. To nic nie kosztuje."
        ),
        ur="اگر آپ کو میٹنگ کے لیے ترجمان چاہیے تو براہ کرم ہمیں بتائیں۔ یہ مفت ہے۔",
        ro="Dacă doriți un interpret la o întâlnire, vă rugăm să ne spuneți. Este gratuit.",
        pa="ਜੇ ਤੁਹਾਨੂੰ ਮੀਟਿੰਗ ਲਈ ਦੁਭਾਸ਼ੀਏ ਦੀ ਲੋੜ ਹੋਵੇ, ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ ਸਾਨੂੰ ਦੱਸੋ। ਇਹ ਮੁਫ਼ਤ ਹੈ।",
        ar="إذا رغبتم في وجود مترجم خلال اجتماع، يُرجى إخبارنا. هذه الخدمة مجانية.",
        bn="কোনো মিটিংয়ে দোভাষী চাইলে অনুগ্রহ করে আমাদের জানান। এটি বিনামূল্যে।",
    ),
    _phrase(
        "general.welcome",
        "general",
        en="Welcome to {school}! We are very happy that {child} has joined us.",
        pl="Witamy w szkole {school}! Bardzo się cieszymy, że {child} jest teraz z nami.",
        pl_gendered=(
            "Witamy w szkole {school}! Bardzo się cieszymy, że {child} do nas dołączył.",
            "Witamy w szkole {school}! Bardzo się cieszymy, że {child} do nas dołączyła.",
        ),
        ur="{school} میں خوش آمدید! ہمیں بہت خوشی ہے کہ {child} اب ہمارے اسکول کا حصہ ہے۔",
        ro="Bun venit la {school}! Ne bucurăm foarte mult că {child} face acum parte din comunitatea noastră.",
        pa="{school} ਵਿੱਚ ਜੀ ਆਇਆਂ ਨੂੰ! ਸਾਨੂੰ ਬਹੁਤ ਖ਼ੁਸ਼ੀ ਹੈ ਕਿ {child} ਹੁਣ ਸਾਡੇ ਸਕੂਲ ਦਾ ਹਿੱਸਾ ਹੈ।",
        ar="أهلاً بكم في {school}! يسعدنا كثيراً انضمام {child} إلينا.",
        bn="{school}-এ আপনাদের স্বাগতম! {child} আমাদের সঙ্গে যোগ দিয়েছে বলে আমরা খুব খুশি।",
    ),
    # --- Replies (from the school, and short answers families often send) ---------------------
    _phrase(
        "reply.thanks_for_letting_us_know",
        "reply",
        en="Thank you for letting us know.",
        pl="Dziękujemy za informację.",
        ur="ہمیں بتانے کا شکریہ۔",
        ro="Vă mulțumim că ne-ați anunțat.",
        pa="ਸਾਨੂੰ ਦੱਸਣ ਲਈ ਧੰਨਵਾਦ।",
        ar="شكراً لإبلاغنا.",
        bn="আমাদের জানানোর জন্য ধন্যবাদ।",
    ),
    _phrase(
        "reply.received",
        "reply",
        en="We have received your message and will reply soon.",
        pl="Otrzymaliśmy Państwa wiadomość i wkrótce odpowiemy.",
        ur="ہمیں آپ کا پیغام مل گیا ہے اور ہم جلد جواب دیں گے۔",
        ro="Am primit mesajul dumneavoastră și vă vom răspunde în curând.",
        pa="ਸਾਨੂੰ ਤੁਹਾਡਾ ਸੁਨੇਹਾ ਮਿਲ ਗਿਆ ਹੈ ਅਤੇ ਅਸੀਂ ਜਲਦੀ ਜਵਾਬ ਦੇਵਾਂਗੇ।",
        ar="وصلتنا رسالتكم وسنردّ عليكم قريباً.",
        bn="আমরা আপনার বার্তা পেয়েছি এবং শিগগিরই উত্তর দেব।",
    ),
    _phrase(
        "reply.looking_into_it",
        "reply",
        en="Thank you. We will look into this and get back to you.",
        pl="Dziękujemy. Sprawdzimy to i odezwiemy się do Państwa.",
        ur="شکریہ۔ ہم اس معاملے کو دیکھیں گے اور آپ سے دوبارہ رابطہ کریں گے۔",
        ro="Vă mulțumim. Vom verifica și vă vom răspunde.",
        pa="ਧੰਨਵਾਦ। ਅਸੀਂ ਇਸ ਬਾਰੇ ਪਤਾ ਕਰਾਂਗੇ ਅਤੇ ਤੁਹਾਨੂੰ ਦੁਬਾਰਾ ਦੱਸਾਂਗੇ।",
        ar="شكراً لكم. سننظر في الأمر ونعود إليكم.",
        bn="ধন্যবাদ। আমরা বিষয়টি দেখে আপনাকে জানাব।",
    ),
    _phrase(
        "reply.thank_you",
        "reply",
        en="Thank you.",
        pl="Dziękuję.",
        ur="شکریہ۔",
        ro="Mulțumesc.",
        pa="ਧੰਨਵਾਦ।",
        ar="شكراً.",
        bn="ধন্যবাদ।",
    ),
    _phrase(
        "reply.will_talk_to_child",
        "reply",
        en="Thank you for telling us. We will talk to our child about it.",
        pl="Dziękujemy za informację. Porozmawiamy o tym z dzieckiem.",
        ur="بتانے کا شکریہ۔ ہم اس بارے میں اپنے بچے سے بات کریں گے۔",
        ro="Vă mulțumim pentru informație. Vom vorbi cu copilul despre asta.",
        pa="ਦੱਸਣ ਲਈ ਧੰਨਵਾਦ। ਅਸੀਂ ਇਸ ਬਾਰੇ ਆਪਣੇ ਬੱਚੇ ਨਾਲ ਗੱਲ ਕਰਾਂਗੇ।",
        ar="شكراً لإخبارنا. سنتحدث مع طفلنا في هذا الأمر.",
        bn="জানানোর জন্য ধন্যবাদ। আমরা এ বিষয়ে আমাদের সন্তানের সঙ্গে কথা বলব।",
    ),
    _phrase(
        "reply.please_phone_me",
        "reply",
        en="Could you phone me, please?",
        pl="Czy mogliby Państwo do mnie zadzwonić?",
        ur="کیا آپ مجھے فون کر سکتے ہیں؟",
        ro="Mă puteți suna, vă rog?",
        pa="ਕੀ ਤੁਸੀਂ ਮੈਨੂੰ ਫ਼ੋਨ ਕਰ ਸਕਦੇ ਹੋ?",
        ar="هل يمكنكم الاتصال بي من فضلكم؟",
        bn="আপনি কি অনুগ্রহ করে আমাকে ফোন করতে পারবেন?",
    ),
    _phrase(
        "reply.child_unwell",
        "reply",
        en="{child} is unwell today and will not be in school.",
        pl="{child} źle się dziś czuje i nie przyjdzie do szkoły.",
        ur="آج {child} کی طبیعت ٹھیک نہیں ہے، اس لیے اسکول سے چھٹی ہوگی۔",
        ro="{child} nu se simte bine astăzi și nu va veni la școală.",
        pa="ਅੱਜ {child} ਦੀ ਤਬੀਅਤ ਠੀਕ ਨਹੀਂ ਹੈ, ਇਸ ਲਈ ਸਕੂਲ ਤੋਂ ਛੁੱਟੀ ਹੋਵੇਗੀ।",
        ar="نعتذر عن غياب {child} اليوم عن المدرسة بسبب المرض.",
        bn="{child} আজ অসুস্থ, তাই স্কুলে যাবে না।",
    ),
)

PHRASES_BY_KEY: dict[str, Phrase] = {phrase.key: phrase for phrase in PHRASES}

# Subject lines School Window writes itself (a positive note, the weekly summary), translated
# like the phrases; any other subject goes through the machine provider, as the body does.
SUBJECT_PHRASES: tuple[Phrase, ...] = (
    _phrase(
        "subject.good_news",
        "general",
        en="Good news about {child}",
        pl="Dobre wieści: {child}",
        ur="{child} کے بارے میں اچھی خبر",
        ro="Vești bune despre {child}",
        pa="{child} ਬਾਰੇ ਚੰਗੀ ਖ਼ਬਰ",
        ar="أخبار سارة عن {child}",
        bn="{child}-কে নিয়ে সুখবর",
    ),
    _phrase(
        "subject.this_week",
        "general",
        en="This week for {child}",
        pl="Podsumowanie tygodnia: {child}",
        ur="{child} کا یہ ہفتہ",
        ro="Săptămâna aceasta pentru {child}",
        pa="{child} ਦਾ ਇਹ ਹਫ਼ਤਾ",
        ar="هذا الأسبوع: {child}",
        bn="{child}-এর এই সপ্তাহ",
    ),
)


def phrases_in(category: str) -> list[Phrase]:
    return [phrase for phrase in PHRASES if phrase.category == category]


# --- Matching a text to a phrase ------------------------------------------------------------
# Sentence ends in the phrasebook's scripts: Latin, Urdu (۔ ؟), Arabic (؟ ،), Gurmukhi and
# Bengali (। ॥).
_TRAILING = ".!?…۔؟।॥ \u200f\u200e"


def normalise(text: str) -> str:
    """Compare texts as a person would: spacing and the final full stop do not matter (and
    matching ignores case)."""
    text = text.replace("\u200f", "").replace("\u200e", "").replace("’", "'")
    return " ".join(text.split()).strip(_TRAILING)


def _pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conv in string.Formatter().parse(normalise(template)):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>[^.!?\n]{{1,80}}?)")
            seen.add(name)
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE)


_PATTERNS: dict[tuple[str, str, int], re.Pattern[str]] = {}


def phrase_match(
    text: str, language: str, phrases: tuple[Phrase, ...] = PHRASES
) -> tuple[Phrase, dict[str, str]] | None:
    """The phrase whose `language` text this is exactly (with its fields filled in any way)."""
    wanted = normalise(text)
    if not wanted:
        return None
    for phrase in phrases:
        for number, template in enumerate(phrase.variants(language)):
            pattern = _PATTERNS.get((phrase.key, language, number))
            if pattern is None:
                pattern = _PATTERNS[(phrase.key, language, number)] = _pattern(template)
            found = pattern.match(wanted)
            if found is not None:
                return phrase, found.groupdict()
    return None


def phrase_fill(template: str, fields: dict[str, str] | None) -> str:
    """Fill the allowed fields; a field with no value is left out rather than failing."""
    values = {name: "" for name in ALLOWED_FIELDS} | dict(fields or {})
    return template.format_map(values)


# --- Words families see around a message --------------------------------------------------------

FAMILY_UI_TEXT: dict[str, dict[str, str]] = {
    "translated_note": {
        "en": "This message was translated from English.",
        "pl": "Ta wiadomość została przetłumaczona z języka angielskiego.",
        "ur": "اس پیغام کا انگریزی سے ترجمہ کیا گیا ہے۔",
        "ro": "Acest mesaj a fost tradus din limba engleză.",
        "pa": "ਇਸ ਸੁਨੇਹੇ ਦਾ ਅੰਗਰੇਜ਼ੀ ਤੋਂ ਅਨੁਵਾਦ ਕੀਤਾ ਗਿਆ ਹੈ।",
        "ar": "تُرجمت هذه الرسالة من الإنجليزية.",
        "bn": "এই বার্তাটি ইংরেজি থেকে অনুবাদ করা হয়েছে।",
    },
    "machine_note": {
        "en": "This message was translated from English by computer, so some words may not be exact.",
        "pl": (
            "Ta wiadomość została automatycznie przetłumaczona z języka angielskiego, więc"
            " niektóre słowa mogą nie być dokładne."
        ),
        "ur": (
            "اس پیغام کا انگریزی سے کمپیوٹر کے ذریعے ترجمہ کیا گیا ہے، اس لیے ہو سکتا ہے کچھ"
            " الفاظ بالکل درست نہ ہوں۔"
        ),
        "ro": (
            "Acest mesaj a fost tradus automat din limba engleză, așa că unele cuvinte s-ar"
            " putea să nu fie exacte."
        ),
        "pa": (
            "ਇਸ ਸੁਨੇਹੇ ਦਾ ਅੰਗਰੇਜ਼ੀ ਤੋਂ ਕੰਪਿਊਟਰ ਰਾਹੀਂ ਅਨੁਵਾਦ ਕੀਤਾ ਗਿਆ ਹੈ, ਇਸ ਲਈ ਹੋ ਸਕਦਾ ਹੈ ਕੁਝ"
            " ਸ਼ਬਦ ਪੂਰੀ ਤਰ੍ਹਾਂ ਸਹੀ ਨਾ ਹੋਣ।"
        ),
        "ar": "تُرجمت هذه الرسالة من الإنجليزية آلياً، لذا قد لا تكون بعض الكلمات دقيقة.",
        "bn": (
            "এই বার্তাটি কম্পিউটারের মাধ্যমে ইংরেজি থেকে অনুবাদ করা হয়েছে, তাই কিছু শব্দ"
            " পুরোপুরি সঠিক না-ও হতে পারে।"
        ),
    },
    "untranslated_note": {
        "en": "This message is in English. You can reply in your own language — we will translate it.",
        "pl": (
            "Ta wiadomość jest po angielsku. Mogą Państwo odpowiedzieć w swoim języku — my ją"
            " przetłumaczymy."
        ),
        "ur": "یہ پیغام انگریزی میں ہے۔ آپ اپنی زبان میں جواب دے سکتے ہیں — ہم اس کا ترجمہ کر لیں گے۔",
        "ro": (
            "Acest mesaj este în limba engleză. Puteți răspunde în limba dumneavoastră — noi vom"
            " traduce răspunsul."
        ),
        "pa": ("ਇਹ ਸੁਨੇਹਾ ਅੰਗਰੇਜ਼ੀ ਵਿੱਚ ਹੈ। ਤੁਸੀਂ ਆਪਣੀ ਭਾਸ਼ਾ ਵਿੱਚ ਜਵਾਬ ਦੇ ਸਕਦੇ ਹੋ — ਅਸੀਂ ਉਸ ਦਾ ਅਨੁਵਾਦ ਕਰ ਲਵਾਂਗੇ।"),
        "ar": "هذه الرسالة باللغة الإنجليزية. يمكنكم الرد بلغتكم — وسنتولى ترجمة ردكم.",
        "bn": "এই বার্তাটি ইংরেজিতে। আপনি নিজের ভাষায় উত্তর দিতে পারেন — আমরা সেটি অনুবাদ করে নেব।",
    },
    "reply": {
        "en": "Reply",
        "pl": "Odpowiedz",
        "ur": "جواب دیں",
        "ro": "Răspundeți",
        "pa": "ਜਵਾਬ ਦਿਓ",
        "ar": "الرد",
        "bn": "উত্তর দিন",
    },
    "read_and_reply": {
        "en": "Read and reply in School Window",
        "pl": "Przeczytaj i odpowiedz w School Window",
        "ur": "School Window میں پڑھیں اور جواب دیں",
        "ro": "Citiți și răspundeți în School Window",
        "pa": "School Window ਵਿੱਚ ਪੜ੍ਹੋ ਅਤੇ ਜਵਾਬ ਦਿਓ",
        "ar": "القراءة والرد في School Window",
        "bn": "School Window-তে পড়ুন ও উত্তর দিন",
    },
    "reply_by_email": {
        "en": "You can also reply to this email.",
        "pl": "Mogą Państwo również odpowiedzieć na tę wiadomość e-mail.",
        "ur": "آپ اس ای میل کا جواب بھی دے سکتے ہیں۔",
        "ro": "Puteți răspunde și la acest e-mail.",
        "pa": "ਤੁਸੀਂ ਇਸ ਈਮੇਲ ਦਾ ਜਵਾਬ ਵੀ ਦੇ ਸਕਦੇ ਹੋ।",
        "ar": "يمكنكم أيضاً الرد على هذا البريد الإلكتروني.",
        "bn": "আপনি এই ইমেলের উত্তরও দিতে পারেন।",
    },
    "reply_by_text": {
        "en": "To answer, just reply to this text.",
        "pl": "Aby odpowiedzieć, wystarczy odpisać na tego SMS-a.",
        "ur": "جواب دینے کے لیے بس اسی میسج کا جواب بھیج دیں۔",
        "ro": "Pentru a răspunde, trimiteți un SMS de răspuns la acest mesaj.",
        "pa": "ਜਵਾਬ ਦੇਣ ਲਈ ਬੱਸ ਇਸੇ ਮੈਸੇਜ ਦਾ ਜਵਾਬ ਭੇਜ ਦਿਓ।",
        "ar": "للرد، يكفي أن ترسلوا رداً على هذه الرسالة النصية.",
        "bn": "উত্তর দিতে শুধু এই মেসেজের উত্তর পাঠান।",
    },
    "message_from": {
        "en": "A message from {school}",
        "pl": "Wiadomość od: {school}",
        "ur": "{school} کی طرف سے پیغام",
        "ro": "Mesaj de la {school}",
        "pa": "{school} ਵੱਲੋਂ ਸੁਨੇਹਾ",
        "ar": "رسالة من {school}",
        "bn": "{school}-এর পক্ষ থেকে একটি বার্তা",
    },
}


def family_ui_text(key: str, language: str) -> str:
    """A few words around a message in the family's language (English when there are none).

    Keys: translated_note, machine_note, untranslated_note, reply, read_and_reply,
    reply_by_email, reply_by_text, message_from (has a `{school}` field to fill).
    An unknown key is a programming error (KeyError).
    """
    texts = FAMILY_UI_TEXT[key]
    code = (language or "en").split("-")[0].lower()
    return texts.get(code, texts["en"])
