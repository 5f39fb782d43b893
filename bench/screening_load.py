"""Screening load: queries per second against large synthetic lists, and the candidate index's recall.

Run from the repository root::

    .venv/bin/python bench/screening_load.py [--sizes 100000 1000000] [--queries 2000] [--exhaustive 200]
                                             [--seed 1718] [--threshold 0.7]

For each size, in a fresh child process (so that peak memory and caches belong to that size alone):

1. generate that many ``ListedEntity`` objects (seeded): Korean people in several romanizations
   and in Hangul, Western, Arabic and Russian people (Latin and Cyrillic), companies with legal
   forms of many jurisdictions, organisations, and vessels with IMO numbers;
2. build a ``moneymen.screening.Screener`` over them (timed: the index build, wall and CPU seconds
   of this process and its forked builders), save its index as a store does and map it back, here
   and in a fresh process (timed: save, load);
3. screen ``--queries`` noisy queries (typos, another romanization, Hangul for a Latin name and the
   reverse, reordered names, changed legal forms, a vessel's IMO number), each made from a listed
   entity, twice: the first pass meets the query names for the first time, the second is warm;
4. for ``--exhaustive`` of those queries, score the query against every entity of the list with
   ``compare_profiles`` (no index) and count how many of the entities that exhaustive scoring finds
   at or above the threshold the indexed ``screen`` also returns as matches: the index's recall.

Each child sets Python's cycle collector as the ``moneymen`` command does (``moneymen.collector``).
Peak resident memory (``ru_maxrss``) of each child is reported (and of the forked helpers of
the exhaustive check, separately). Exhaustive scoring is the slow part (queries × entities
comparisons); it runs on every usable core, and ``--exhaustive-budget`` caps its time per size
(the number of queries actually checked is printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import machine_facts, markdown_table  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DATASET = "bench_screening"

# -- Korean names: Hangul syllables and three romanizations, composed from jamo ------------------

#: Initial consonants, in Unicode order, as (Revised Romanization, McCune–Reischauer without marks,
#: DPRK list practice). The Hangul block is composed as 0xAC00 + (initial × 21 + vowel) × 28 + final.
INITIALS = (("g", "k", "k"), ("kk", "kk", "kk"), ("n", "n", "n"), ("d", "t", "t"), ("tt", "tt", "tt"),
            ("r", "r", "r"), ("m", "m", "m"), ("b", "p", "p"), ("pp", "pp", "pp"), ("s", "s", "s"),
            ("ss", "ss", "ss"), ("", "", ""), ("j", "ch", "j"), ("jj", "tch", "jj"), ("ch", "ch", "ch"),
            ("k", "k", "kh"), ("t", "t", "th"), ("p", "p", "ph"), ("h", "h", "h"))
VOWELS = (("a", "a", "a"), ("ae", "ae", "ae"), ("ya", "ya", "ya"), ("yae", "yae", "yae"), ("eo", "o", "o"),
          ("e", "e", "e"), ("yeo", "yo", "yo"), ("ye", "ye", "ye"), ("o", "o", "o"), ("wa", "wa", "wa"),
          ("wae", "wae", "wae"), ("oe", "oe", "oe"), ("yo", "yo", "yo"), ("u", "u", "u"), ("wo", "wo", "wo"),
          ("we", "we", "we"), ("wi", "wi", "wi"), ("yu", "yu", "yu"), ("eu", "u", "u"), ("ui", "ui", "ui"),
          ("i", "i", "i"))
FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t",
          "t", "ng", "t", "t", "k", "t", "p", "t")
SYSTEMS = ("rr", "mr", "dprk")

#: Surnames (Hangul) with how common each is, and the spellings seen on lists besides the systems'.
SURNAMES = {
    "김": (22, ("Kim",)), "이": (10, ("Lee", "Yi", "Rhee")), "리": (8, ("Ri", "Li")), "박": (9, ("Pak", "Park", "Bak")),
    "최": (5, ("Choe", "Choi")), "정": (5, ("Jong", "Chong", "Jung", "Jeong", "Chung")), "강": (3, ("Kang",)),
    "조": (3, ("Jo", "Cho")), "윤": (2, ("Yun", "Yoon")), "장": (3, ("Jang", "Chang")), "임": (2, ("Rim", "Lim", "Im")),
    "한": (2, ("Han",)), "오": (2, ("O", "Oh")), "신": (2, ("Sin", "Shin")), "류": (1, ("Ryu", "Yu", "Yoo")),
    "황": (1, ("Hwang",)), "안": (1, ("An", "Ahn")), "송": (1, ("Song",)), "홍": (1, ("Hong",)),
    "전": (1, ("Jon", "Chon", "Jeon", "Chun")), "고": (1, ("Ko", "Go")), "문": (1, ("Mun", "Moon")),
    "손": (1, ("Son", "Sohn")), "백": (1, ("Paek", "Baek", "Paik")), "허": (1, ("Ho", "Heo", "Hur")),
    "남": (1, ("Nam",)), "심": (1, ("Sim", "Shim")), "노": (1, ("No", "Ro", "Roh")), "하": (1, ("Ha",)),
    "곽": (1, ("Kwak",)), "서": (1, ("So", "Seo", "Suh")), "현": (1, ("Hyon", "Hyun")), "주": (1, ("Ju", "Chu", "Joo")),
    "차": (1, ("Cha",)), "방": (1, ("Pang", "Bang")), "양": (1, ("Yang", "Ryang")), "석": (1, ("Sok", "Seok")),
    "태": (1, ("Thae", "Tae")), "명": (1, ("Myong", "Myung")), "길": (1, ("Kil", "Gil")), "계": (1, ("Kye", "Gye")),
}
GIVEN_SYLLABLES = tuple(
    "철명영남일성호진수혁광준선경은정국학민현용춘길석원덕송혜순옥향미희숙주룡만복창동훈태범기상식봉평금련화월실림산천"
    "근무환우재연지하승세종충웅규흥건찬섭협열애란심파효률윤택갑병의관문량청소도산해운강한조")


def romanize_syllable(syllable: str, system: str) -> str:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return syllable
    column = SYSTEMS.index(system)
    initial, rest = divmod(code, 21 * 28)
    vowel, final = divmod(rest, 28)
    return INITIALS[initial][column] + VOWELS[vowel][column] + FINALS[final]


@dataclass(frozen=True)
class KoreanName:
    surname: str     # Hangul
    given: str       # Hangul, one or two syllables

    @property
    def hangul(self) -> str:
        return self.surname + self.given

    def surname_latin(self, rng: random.Random | None, system: str) -> str:
        spellings = SURNAMES[self.surname][1]
        if rng is None:
            return spellings[0]
        if rng.random() < 0.5:
            return rng.choice(spellings)
        return romanize_syllable(self.surname, system).capitalize() or spellings[0]

    def latin(self, rng: random.Random, system: str | None = None, style: str | None = None) -> str:
        """One written form: a romanization system, a spelling of the surname, a way of joining."""
        system = system or rng.choice(SYSTEMS)
        style = style or rng.choice(("spaced", "hyphen", "joined", "upper_surname", "all_caps", "given_first"))
        surname = self.surname_latin(rng, system)
        syllables = [romanize_syllable(s, system) for s in self.given]
        if style == "hyphen":
            given = syllables[0].capitalize() + "".join("-" + s for s in syllables[1:])
        elif style == "joined":
            given = "".join(syllables).capitalize()
        else:
            given = " ".join(s.capitalize() for s in syllables)
        if style == "upper_surname":
            return f"{surname.upper()} {given}"
        if style == "all_caps":
            return f"{surname} {given}".upper()
        if style == "given_first":
            return f"{given} {surname}"
        return f"{surname} {given}"


# -- other people, companies, vessels ------------------------------------------------------------

WESTERN_FIRST = ("James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
                 "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven", "Andrew", "Kenneth", "Joshua", "Kevin",
                 "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary",
                 "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
                 "Karen", "Nancy", "Lisa", "Margaret", "Sandra", "Ashley", "Emily", "Donna", "Michelle", "Carol",
                 "Amanda", "Hans", "Klaus", "Jürgen", "Stefan", "Wolfgang", "Pierre", "Jean", "François", "Luc",
                 "Marco", "Giuseppe", "Luca", "Carlos", "José", "Juan", "Miguel", "Pedro", "João", "Lars", "Erik",
                 "Henrik", "Pieter", "Jan", "Willem", "Sean", "Patrick", "Liam", "Olivia", "Sophie", "Claire",
                 "Anna", "Marie", "Isabel", "Lucia", "Ingrid", "Astrid", "Frederik", "Friedrich", "Konrad")
WESTERN_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
                "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
                "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson",
                "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
                "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed",
                "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
                "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Dubois", "Durand", "Lefebvre",
                "Moreau", "Laurent", "Simon", "Michel", "Garcia", "Martinez", "Rodriguez", "Lopez", "Gonzalez",
                "Fernandez", "Sanchez", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
                "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Larsen", "Nielsen", "Hansen", "Johansson",
                "Lindqvist", "O'Brien", "O'Connor", "McCarthy", "Kelly", "Byrne", "Lindemann", "Scholz", "Schulze")
ARABIC_GIVEN = (("Mohammed", "Muhammad", "Mohamed", "Mohammad"), ("Ahmed", "Ahmad"), ("Abdullah", "Abdallah"),
                ("Abdul Rahman", "Abdulrahman", "Abd al-Rahman"), ("Hussein", "Husayn", "Hussain"), ("Hassan", "Hasan"),
                ("Ali",), ("Omar", "Umar"), ("Yusuf", "Youssef", "Yousef"), ("Ibrahim", "Ebrahim"), ("Khalid", "Khaled"),
                ("Mustafa", "Mostafa"), ("Saeed", "Said"), ("Abdulaziz", "Abd al-Aziz"), ("Jamal", "Gamal"),
                ("Tariq", "Tarek"), ("Faisal", "Faysal"), ("Nasser", "Nasir"), ("Karim", "Kareem"), ("Walid", "Waleed"),
                ("Majid", "Maged"), ("Hamza", "Hamzah"), ("Bilal",), ("Osama", "Usama"), ("Salim", "Salem"),
                ("Rashid", "Rashed"), ("Zaid", "Zayd", "Zeid"), ("Anwar",), ("Adel", "Adil"), ("Samir", "Sameer"),
                ("Mahmoud", "Mahmud"), ("Abdelkader", "Abd al-Qadir"), ("Yasin", "Yassin"), ("Idris", "Idriss"))
ARABIC_FAMILY = (("al-Masri", "al-Misri", "El Masry"), ("al-Baghdadi",), ("al-Tamimi", "al-Temimi"),
                 ("al-Hashimi", "al-Hashemi"), ("al-Shami", "el-Shami"), ("al-Qahtani", "al-Kahtani"), ("al-Zahrani",),
                 ("al-Ansari",), ("al-Harbi",), ("al-Otaibi", "al-Utaybi"), ("al-Shahri",), ("al-Dosari", "al-Dawsari"),
                 ("Haddad",), ("Khoury", "Khouri"), ("Nasrallah",), ("Mansour", "Mansur"), ("Hamdan",),
                 ("Suleiman", "Sulayman"), ("Darwish",), ("Karimi",), ("Hosseini", "Husseini"), ("Rahimi",),
                 ("Mousavi", "Musawi"), ("Jafari", "Jaafari"), ("Rezaei", "Rezai"), ("Sadeghi", "Sadiqi"), ("Hakimi",),
                 ("Azizi",), ("Haqqani",), ("al-Amri",), ("al-Jaziri", "al-Jazairi"), ("Benali", "Ben Ali"))
RUSSIAN_GIVEN = (("Aleksandr", "Alexander", "Александр"), ("Sergei", "Sergey", "Сергей"), ("Dmitry", "Dmitri", "Дмитрий"),
                 ("Andrei", "Andrey", "Андрей"), ("Alexei", "Aleksey", "Алексей"), ("Vladimir", "Wladimir", "Владимир"),
                 ("Nikolai", "Nikolay", "Николай"), ("Mikhail", "Michail", "Михаил"), ("Yevgeny", "Evgeny", "Евгений"),
                 ("Igor", "Igor", "Игорь"), ("Oleg", "Oleg", "Олег"), ("Viktor", "Victor", "Виктор"),
                 ("Yuri", "Yury", "Юрий"), ("Pavel", "Pavel", "Павел"), ("Anatoly", "Anatoliy", "Анатолий"),
                 ("Konstantin", "Konstantin", "Константин"), ("Maxim", "Maksim", "Максим"), ("Roman", "Roman", "Роман"),
                 ("Arkady", "Arkadiy", "Аркадий"), ("Gennady", "Gennadiy", "Геннадий"), ("Boris", "Boris", "Борис"))
RUSSIAN_FEMALE = (("Olga", "Olga", "Ольга"), ("Elena", "Yelena", "Елена"), ("Tatiana", "Tatyana", "Татьяна"),
                  ("Natalia", "Natalya", "Наталья"), ("Irina", "Irina", "Ирина"), ("Svetlana", "Svetlana", "Светлана"),
                  ("Anna", "Anna", "Анна"), ("Maria", "Mariya", "Мария"), ("Yulia", "Yuliya", "Юлия"))
PATRONYMICS = (("Ivanovich", "Иванович"), ("Petrovich", "Петрович"), ("Sergeyevich", "Сергеевич"),
               ("Aleksandrovich", "Александрович"), ("Vladimirovich", "Владимирович"), ("Nikolayevich", "Николаевич"),
               ("Mikhailovich", "Михайлович"), ("Yuryevich", "Юрьевич"), ("Viktorovich", "Викторович"),
               ("Anatolyevich", "Анатольевич"), ("Olegovich", "Олегович"), ("Borisovich", "Борисович"),
               ("Pavlovich", "Павлович"), ("Dmitriyevich", "Дмитриевич"), ("Igorevich", "Игоревич"))
RUSSIAN_LAST = (("Ivanov", "Иванов"), ("Petrov", "Петров"), ("Smirnov", "Смирнов"), ("Kuznetsov", "Кузнецов"),
                ("Popov", "Попов"), ("Volkov", "Волков"), ("Sokolov", "Соколов"), ("Lebedev", "Лебедев"),
                ("Kozlov", "Козлов"), ("Novikov", "Новиков"), ("Morozov", "Морозов"), ("Pavlov", "Павлов"),
                ("Semenov", "Семенов"), ("Golubev", "Голубев"), ("Vinogradov", "Виноградов"), ("Bogdanov", "Богданов"),
                ("Fedorov", "Федоров"), ("Mikhailov", "Михайлов"), ("Tarasov", "Тарасов"), ("Belov", "Белов"),
                ("Komarov", "Комаров"), ("Orlov", "Орлов"), ("Makarov", "Макаров"), ("Andreev", "Андреев"),
                ("Gusev", "Гусев"), ("Titov", "Титов"), ("Kuzmin", "Кузьмин"), ("Baranov", "Баранов"),
                ("Rotenberg", "Ротенберг"), ("Timchenko", "Тимченко"), ("Shevchenko", "Шевченко"),
                ("Kovalenko", "Коваленко"), ("Zakharov", "Захаров"), ("Sorokin", "Сорокин"), ("Nikitin", "Никитин"))
WORDS = ("Golden", "Star", "Ocean", "Pacific", "Eastern", "Unity", "Harmony", "Pioneer", "Silk", "Dragon", "Phoenix",
         "Northern", "Summit", "Glory", "Rainbow", "Crystal", "Jade", "Victory", "Horizon", "Pearl", "Everbright",
         "Sunrise", "Crescent", "Atlas", "Meridian", "Vanguard", "Orient", "Blue", "Green", "Red", "Silver", "Royal",
         "Global", "United", "Grand", "Prime", "Alpha", "Delta", "Apex", "Liberty", "Falcon", "Eagle", "Lion",
         "Tiger", "Lotus", "Cedar", "Oasis", "Desert", "Coral", "Emerald", "Sapphire", "Amber", "Titan", "Nova")
TRADES = ("Trading", "Shipping", "Logistics", "Import Export", "Mining", "Petroleum", "Technology", "Investment",
          "Maritime", "Industrial", "Commercial", "Development", "Energy", "Metals", "Finance", "Holdings",
          "Construction", "Electronics", "Chemicals", "Textiles", "Fisheries", "Bank", "Insurance", "General")
#: Legal forms: the written forms a list may use for the same one.
LEGAL_FORMS = (("Co., Ltd.", "Company Limited", "Co Ltd"), ("LLC", "Limited Liability Company", "L.L.C."),
               ("Ltd", "Limited", "Ltd."), ("GmbH",), ("JSC", "Joint Stock Company"), ("OOO", "ООО"),
               ("S.A.", "SA", "Sociedad Anonima"), ("FZE",), ("Pte. Ltd.", "Pte Ltd", "Private Limited"),
               ("Corporation", "Corp.", "Corp"), ("AG", "Aktiengesellschaft"), ("Inc.", "Incorporated", "Inc"),
               ("B.V.", "BV"), ("SARL", "S.A.R.L."), ("PJSC", "Public Joint Stock Company"))
ORG_KINDS = ("Bureau", "Committee", "Department", "General Bureau", "Association", "Foundation", "Office", "Ministry")
PLACES = ("Dandong", "Shenyang", "Vladivostok", "Nampo", "Pyongyang", "Chongjin", "Rason", "Hong Kong", "Singapore",
          "Dubai", "Istanbul", "Limassol", "Panama", "Bangkok", "Kuala Lumpur", "Shanghai", "Qingdao", "Dalian")
ONSETS = ("b", "ch", "d", "g", "h", "j", "k", "kh", "l", "m", "n", "p", "r", "s", "sh", "t", "v", "y", "z")
NUCLEI = ("a", "e", "i", "o", "u", "ae", "ia", "ou", "ei")
CODAS = ("", "", "", "n", "ng", "k", "l", "m", "r", "s", "v")
COUNTRIES = ("kp", "cn", "ru", "ir", "sy", "ae", "hk", "sg", "my", "th", "vn", "kh", "mn", "by", "tr", "cy", "lb",
             "pa", "vg", "ch", "de", "gb", "us", "nl", "ua", "kz", "pk", "in", "id", "ph", "jp", "kr", "eg", "ly", "iq")
FLAGS = ("kp", "pa", "sl", "tg", "km", "mn", "kh", "bz", "vn", "cn", "hk", "sg", "lr", "mh", "tz", "md")

#: Entity kinds and how many of each (out of 100).
MIX = (("korean", 18), ("western", 24), ("arabic", 12), ("russian", 10), ("company", 25), ("organization", 4),
       ("vessel", 7))


_CYRILLIC = (("kh", "х"), ("sh", "ш"), ("ch", "ч"), ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("yo", "ё"),
             ("b", "б"), ("d", "д"), ("g", "г"), ("h", "х"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"),
             ("n", "н"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("v", "в"), ("y", "й"), ("z", "з"),
             ("a", "а"), ("e", "е"), ("i", "и"), ("o", "о"), ("u", "у"))


def to_cyrillic(word: str) -> str:
    """A plain Latin → Cyrillic respelling of a made-up Russian surname (greedy, digraphs first)."""
    out, rest = [], word.lower()
    while rest:
        for latin, cyrillic in _CYRILLIC:
            if rest.startswith(latin):
                out.append(cyrillic)
                rest = rest[len(latin):]
                break
        else:
            rest = rest[1:]
    return "".join(out).capitalize()


def imo_number(rng: random.Random) -> str:
    digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(5)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return "IMO " + "".join(map(str, digits)) + str(check)


class Generator:
    """Deterministic synthetic list entities, with what each query variant needs kept beside them."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        rng = self.rng
        self.made_up = sorted({self._word(rng, rng.choice((2, 2, 3))) for _ in range(4000)})
        self.korean_words = sorted({"".join(romanize_syllable(rng.choice(GIVEN_SYLLABLES), "dprk")
                                            for _ in range(2)).capitalize() for _ in range(600)})
        self.surname_keys = list(SURNAMES)
        self.surname_weights = [SURNAMES[s][0] for s in self.surname_keys]
        self.counter = 0

    @staticmethod
    def _word(rng: random.Random, syllables: int) -> str:
        return "".join(rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(syllables)).capitalize()

    def _id(self, kind: str) -> str:
        self.counter += 1
        return f"bench-{kind}-" + hashlib.sha1(f"{self.seed}:{self.counter}".encode()).hexdigest()[:16]

    def birth_date(self) -> str:
        """A birth date: a full one, or (15 %) the year only."""
        rng = self.rng
        if rng.random() < 0.15:
            return str(rng.randrange(1940, 2002))
        return f"{rng.randrange(1940, 2002)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"

    def korean_name(self) -> KoreanName:
        rng = self.rng
        surname = rng.choices(self.surname_keys, self.surname_weights)[0]
        count = 2 if rng.random() < 0.9 else 1
        return KoreanName(surname, "".join(rng.choice(GIVEN_SYLLABLES) for _ in range(count)))

    def entity(self):
        """One ``(ListedEntity, seed material)``: the material is what the query maker varies."""
        from moneymen.match.screener import ListedEntity

        rng = self.rng
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        props, material, schema = getattr(self, f"_{kind}")()
        props = {key: list(dict.fromkeys(v for v in values if v)) for key, values in props.items()}
        props = {key: values for key, values in props.items() if values}
        entity = ListedEntity(id=self._id(kind), schema=schema, caption=props["name"][0], properties=props,
                              datasets=(DATASET,), sanctions=("synthetic",) if rng.random() < 0.5 else ())
        return entity, (kind, material)

    def person_facts(self, nationality: str) -> dict:
        """A person's birth date, nationality, gender and passport number, each present or not."""
        rng = self.rng
        return {"birthDate": [self.birth_date()] if rng.random() < 0.8 else [],
                "nationality": [nationality] if rng.random() < 0.8 else [],
                "gender": [rng.choice(("male", "female"))] if rng.random() < 0.5 else [],
                "passportNumber": ["".join(rng.choice("0123456789") for _ in range(9))] if rng.random() < 0.3 else []}

    def _korean(self):
        rng = self.rng
        name = self.korean_name()
        primary = name.hangul if rng.random() < 0.07 else name.latin(rng, "dprk", rng.choice(("spaced", "upper_surname", "all_caps", "hyphen")))
        aliases = [name.latin(rng) for _ in range(rng.choice((0, 1, 1, 2, 3)))]
        if rng.random() < 0.45 and primary != name.hangul:
            aliases.append(name.hangul)
        props = {"name": [primary], "alias": aliases, **self.person_facts(rng.choice(("kp", "kp", "kp", "kr", "cn")))}
        return props, name, "Person"

    def _western(self):
        rng = self.rng
        first = rng.choice(WESTERN_FIRST)
        last = rng.choice(WESTERN_LAST) if rng.random() < 0.6 else rng.choice(self.made_up)
        middle = rng.choice(WESTERN_FIRST) if rng.random() < 0.3 else ""
        full = " ".join(p for p in (first, middle, last) if p)
        aliases = [f"{last.upper()}, {first}"] if rng.random() < 0.3 else []
        props = {"name": [full], "alias": aliases, **self.person_facts(rng.choice(COUNTRIES))}
        return props, (first, middle, last), "Person"

    def _arabic(self):
        rng = self.rng
        given, father = rng.choice(ARABIC_GIVEN), rng.choice(ARABIC_GIVEN)
        if rng.random() < 0.5:
            family = rng.choice(ARABIC_FAMILY)
        else:  # a family name made up here, so that a large list is not mostly namesakes
            word = rng.choice(self.made_up).lower()
            family = (f"al-{word.capitalize()}", f"el-{word.capitalize()}") if rng.random() < 0.5 else (word.capitalize() + "i",)
        link = rng.choice(("bin", "ibn", ""))
        full = rng.random() < 0.6
        parts = [given[0], link, father[0], family[0]] if full else [given[0], family[0]]
        name = " ".join(p for p in parts if p)
        aliases = []
        if rng.random() < 0.5:
            aliases.append(" ".join(p for p in (rng.choice(given), rng.choice(family)) if p))
        props = {"name": [name], "alias": aliases,
                 **self.person_facts(rng.choice(("sy", "iq", "ir", "ly", "eg", "ae", "lb", "pk", "ye", "sa")))}
        return props, (given, father if full else None, family, link), "Person"

    def _russian(self):
        rng = self.rng
        female = rng.random() < 0.25
        given = rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_GIVEN)
        patronymic = rng.choice(PATRONYMICS)
        if rng.random() < 0.5:
            last = rng.choice(RUSSIAN_LAST)
        else:  # a made-up surname (and its Cyrillic), so that a large list is not mostly namesakes
            stem = rng.choice(self.made_up) + rng.choice(("ov", "ev", "in", "sky", "enko"))
            last = (stem, to_cyrillic(stem))
        if female:
            patronymic = (patronymic[0][:-3] + "na", patronymic[1][:-2] + "на")
            if last[0].endswith(("ov", "ev", "in")):
                last = (last[0] + "a", last[1] + "а")
        latin = f"{given[0]} {patronymic[0]} {last[0]}"
        aliases = []
        if rng.random() < 0.5:
            aliases.append(f"{last[1]} {given[2]} {patronymic[1]}")
        if rng.random() < 0.3:
            aliases.append(f"{last[0].upper()}, {given[1]} {patronymic[0]}")
        props = {"name": [latin], "alias": aliases, **self.person_facts(rng.choice(("ru", "ru", "ru", "by", "ua", "kz", "cy")))}
        return props, (given, patronymic, last), "Person"

    def _company(self):
        rng = self.rng
        style = rng.random()
        if style < 0.25:
            words = ["Korea", rng.choice(self.korean_words), rng.choice(TRADES)]
        elif style < 0.45:
            words = [rng.choice(PLACES), rng.choice(self.made_up), rng.choice(TRADES)]
        else:
            words = [rng.choice(WORDS), rng.choice(self.made_up if rng.random() < 0.6 else WORDS), rng.choice(TRADES)]
        form = rng.choice(LEGAL_FORMS)
        name = f"{' '.join(words)} {form[0]}"
        aliases = [f"{' '.join(words)} {rng.choice(form)}"] if rng.random() < 0.3 else []
        props = {"name": [name], "alias": aliases, "jurisdiction": [rng.choice(COUNTRIES)],
                 "registrationNumber": [str(rng.randrange(10**7, 10**10))] if rng.random() < 0.4 else []}
        return props, (words, form), "Company"

    def _organization(self):
        rng = self.rng
        words = [rng.choice(WORDS + tuple(self.korean_words[:100])), rng.choice(ORG_KINDS)]
        if rng.random() < 0.5:
            words.append(f"of {rng.choice(PLACES)}")
        props = {"name": [" ".join(words)], "country": [rng.choice(COUNTRIES)]}
        return props, (words,), "Organization"

    def _vessel(self):
        rng = self.rng
        if rng.random() < 0.5:
            words = [romanize_syllable(rng.choice(GIVEN_SYLLABLES), "dprk").upper() for _ in range(rng.choice((2, 3)))]
        else:
            words = [rng.choice(WORDS).upper(), rng.choice(WORDS + tuple(self.made_up[:300])).upper()]
        if rng.random() < 0.4:
            words.append(str(rng.randrange(1, 20)))
        imo = imo_number(rng)
        props = {"name": [" ".join(words)], "imoNumber": [imo], "flag": [rng.choice(FLAGS)],
                 "mmsi": [str(rng.randrange(10**8, 10**9))] if rng.random() < 0.5 else [],
                 "previousName": [f"{rng.choice(WORDS).upper()} {rng.randrange(1, 9)}"] if rng.random() < 0.3 else []}
        return props, (words, imo), "Vessel"


# -- noisy queries ----------------------------------------------------------------------------


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in a word of four letters or more (or three, when none is longer)."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    long_words = long_words or [i for i, w in enumerate(words) if len(w) == 3 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif kind == 1:
        word = word[:at] + word[at + 1:]
    elif kind == 2:
        word = word[:at] + word[at] + word[at:]
    else:
        vowels = "aeiou"
        if word[at].lower() in vowels:
            word = word[:at] + rng.choice([v for v in vowels if v != word[at].lower()]) + word[at + 1:]
        else:
            word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    words[i] = word
    return " ".join(words)


def variant_name(kind: str, data, props: dict, rng: random.Random) -> tuple[str, str]:
    """Another written form of a generated entity's name, as another list or a query would write it,
    and the noise applied (``"Korean: Hangul"``): another romanization, the Hangul, a typo, the given
    name first; a Western name with a typo, its middle name dropped or "Surname, Given"; an Arabic
    name in other spellings or short; a Russian name in Cyrillic or another transliteration; a
    company with its legal form changed or dropped; a typo in an organisation's or vessel's name.

    ``kind`` and ``data`` are the entity's seed material (:meth:`Generator.entity`), ``props`` its
    properties (where the listed name is the Hangul, another romanization is given instead).
    """
    if kind == "korean":
        name: KoreanName = data
        how = rng.choice(("another romanization", "Hangul", "typo", "given name first"))
        if how == "Hangul":
            text = name.hangul if name.hangul not in props["name"] else name.latin(rng, "rr", "hyphen")
            how = "Hangul" if text == name.hangul else "another romanization"
        elif how == "another romanization":
            text = name.latin(rng, rng.choice(("rr", "mr")), rng.choice(("hyphen", "joined", "spaced")))
        elif how == "typo":
            text = typo(name.latin(rng, "dprk", "spaced"), rng)
        else:
            text = name.latin(rng, "dprk", "given_first")
        return text, f"Korean: {how}"
    if kind == "western":
        first, middle, last = data
        how = rng.choice(("typo", "middle name dropped", "surname first", "exact"))
        if how == "typo":
            text = typo(props["name"][0], rng)
        elif how == "middle name dropped":
            text = f"{first} {last}"
        elif how == "surname first":
            text = f"{last}, {first}"
        else:
            text = props["name"][0]
        return text, f"Western: {how}"
    if kind == "arabic":
        given, father, family, link = data
        how = rng.choice(("spelling", "typo", "short form"))
        if how == "spelling":
            parts = [rng.choice(given), link, rng.choice(father), rng.choice(family)] if father else [rng.choice(given), rng.choice(family)]
            text = " ".join(p for p in parts if p)
        elif how == "typo":
            text = typo(props["name"][0], rng)
        else:
            text = f"{given[0]} {family[0]}"
        return text, f"Arabic: {how}"
    if kind == "russian":
        given, patronymic, last = data
        how = rng.choice(("Cyrillic", "transliteration", "typo"))
        if how == "Cyrillic":
            text = f"{given[2]} {patronymic[1]} {last[1]}"
        elif how == "transliteration":
            text = f"{given[1]} {last[0]}"
        else:
            text = typo(props["name"][0], rng)
        return text, f"Russian: {how}"
    if kind == "company":
        words, form = data
        how = rng.choice(("legal form changed", "legal form dropped", "typo"))
        if how == "legal form changed":
            text = f"{' '.join(words)} {rng.choice(form)}"
        elif how == "legal form dropped":
            text = " ".join(words)
        else:
            text = typo(props["name"][0], rng)
        return text, f"company: {how}"
    if kind == "organization":
        return typo(props["name"][0], rng), "organization: typo"
    return typo(props["name"][0], rng), "vessel: typo"


def make_query(entity, material, rng: random.Random) -> tuple[str, dict, str]:
    """A query (schema, properties) made from a listed entity, and the noise applied to it."""
    kind, data = material
    props = entity.properties
    facts = {}
    if entity.schema == "Person":
        if props.get("birthDate") and rng.random() < 0.5:
            facts["birthDate"] = props["birthDate"][:1]
        if props.get("nationality") and rng.random() < 0.4:
            facts["nationality"] = props["nationality"][:1]
    with_imo = kind == "vessel" and rng.random() < 0.5
    text, how = variant_name(kind, data, props, rng)
    schema = entity.schema
    if schema == "Person":
        return schema, {"name": [text], **facts}, how
    if with_imo:
        return schema, {"name": [text], "imoNumber": [data[1]]}, how + " + IMO"
    return schema, {"name": [text]}, how


# -- one size, in a child process ------------------------------------------------------------------


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_peak_rss_mib() -> float | None:
    """This process's peak resident memory since the last call (Linux: ``VmHWM``, then reset
    through ``/proc/self/clear_refs``); None where that cannot be read or reset."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except (OSError, StopIteration):
        return None
    return peak


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended (the forked index builders)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


_FRESH_LOAD = """
import json, sys, time
from pathlib import Path
begin = time.perf_counter()
from moneymen.services import screening_index
from moneymen.match.screener import Screener
imported = time.perf_counter()
index, listed = screening_index.load(Path(sys.argv[1]), "bench")
Screener(listed, index=index)
done = time.perf_counter()
# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's size at the fork (Linux carries it over exec)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"fresh_import_s": imported - begin, "fresh_load_s": done - imported,
                  "fresh_load_rss_mib": int(hwm.split()[1]) / 1024}))
"""


def load_in_fresh_process(path: Path) -> dict:
    """The saved index mapped back by a new process, as a later ``moneymen screen`` reads it: the
    seconds of ``screening_index.load`` and ``Screener(listed, index=index)`` (after the imports,
    timed apart), and that process's peak RSS."""
    done = subprocess.run([sys.executable, "-c", _FRESH_LOAD, str(path)], stdout=subprocess.PIPE, text=True,
                          check=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _unbounded_analysis() -> None:
    """Give ``compare_profiles`` the same ``analyse`` with an unbounded memo, in this process.

    Exhaustive scoring meets every name of the list for every query; with more names than
    ``analyse``'s cache holds, each pass would analyse most names again. The results are the same
    function's; only the time differs. Screening (timed above) runs with the cache as shipped.
    """
    import functools

    from moneymen.match import profiles as entities
    from moneymen.names import forms

    if not getattr(entities.analyse, "_bench_unbounded", False):
        unbounded = functools.lru_cache(maxsize=None)(forms.analyse.__wrapped__)
        unbounded._bench_unbounded = True
        entities.analyse = unbounded


def _exhaustive_worker(args):
    """Score some queries against every profile (runs in a forked worker: the globals are shared)."""
    from moneymen.match.profiles import compare_profiles

    _unbounded_analysis()
    numbers, threshold = args
    found = {}
    for number in numbers:
        query = _SHARED["queries"][number]
        hits = []
        for position, profile in enumerate(_SHARED["profiles"]):
            if compare_profiles(query, profile, threshold).match:
                hits.append(position)
        found[number] = hits
    return found


_SHARED: dict = {}


def run_size(size: int, queries: int, exhaustive: int, budget: float, seed: int, threshold: float,
             workers: int) -> dict:
    from moneymen.services import screening_index
    from moneymen.match.screener import Screener

    from matching import matcher_state

    try:  # as the moneymen command runs (a moneymen older than moneymen.collector ran with Python's defaults)
        from moneymen.collector import collect_rarely
    except ImportError:
        pass
    else:
        collect_rarely()
    result: dict = {"size": size, "seed": seed, "matcher": matcher_state()}
    begin = time.perf_counter()
    generator = Generator(seed)
    entities, materials = [], []
    for _ in range(size):
        entity, material = generator.entity()
        entities.append(entity)
        materials.append(material)
    result["generate_s"] = time.perf_counter() - begin
    result["names"] = sum(len(e.properties.get("name", [])) + len(e.properties.get("alias", []))
                          + len(e.properties.get("previousName", [])) for e in entities)
    kinds: dict[str, int] = {}
    for kind, _ in materials:
        kinds[kind] = kinds.get(kind, 0) + 1
    result["mix"] = kinds
    print(f"  [{size:,}] generated in {result['generate_s']:.1f} s; building the screener …", file=sys.stderr, flush=True)

    begin, cpu = time.perf_counter(), _cpu_s()
    built = Screener(entities)
    result["build_s"] = time.perf_counter() - begin
    result["build_cpu_s"] = _cpu_s() - cpu
    result["rss_after_build_mib"] = peak_rss_mib()
    result["build_workers_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["index_keys"] = len(built.index.postings) + len(built.index.neighbours)
    print(f"  [{size:,}] index built in {result['build_s']:.1f} s, peak RSS {result['rss_after_build_mib']:,.0f} MiB",
          file=sys.stderr, flush=True)
    # saved as a store saves it, and read back: the screener that answers the queries below
    with tempfile.TemporaryDirectory(prefix="moneymen-bench-") as folder:
        path = Path(folder) / "bench.idx"
        stage_peak_rss_mib()
        begin = time.perf_counter()
        screening_index.save(path, "bench", built.index, built.entities)
        result["save_s"] = time.perf_counter() - begin
        result["save_peak_rss_mib"] = stage_peak_rss_mib()
        result["index_bytes"] = path.stat().st_size
        del built
        result.update(load_in_fresh_process(path))
        begin = time.perf_counter()
        index, listed = screening_index.load(path, "bench")
        screener = Screener(listed, index=index)
        result["load_s"] = time.perf_counter() - begin
        result.update(_screen_size(size, entities, materials, screener, queries, exhaustive, budget, seed,
                                   threshold, workers))
    return result


def _screen_size(size, entities, materials, screener, queries, exhaustive, budget, seed, threshold, workers) -> dict:
    """Screen the noisy queries with ``screener`` twice, then check its recall against exhaustive scoring."""
    from moneymen.match.profiles import Profile

    result: dict = {}

    rng = random.Random(seed + 1)
    sample = rng.sample(range(size), min(queries, size))
    made = []
    for position in sample:
        schema, props, how = make_query(entities[position], materials[position], rng)
        made.append((Profile.from_properties(schema, props), entities[position].id, how, props))
    passes = []
    results = None
    for _ in range(2):
        begin = time.perf_counter()
        results = [screener.screen(query, threshold=threshold, limit=5) for query, *_ in made]
        passes.append(time.perf_counter() - begin)
    result["queries"] = len(made)
    result["screen_s"] = passes
    found_by_kind: dict[str, list[int]] = {}
    misses = []
    for (query, target, how, props), hits in zip(made, results):
        found = any(hit.entity.id == target and hit.match.match for hit in hits)
        deep = found
        if not found:  # namesakes can push the listed entity below the first five: look further
            more = screener.screen(query, threshold=threshold, limit=100)
            deep = any(hit.entity.id == target and hit.match.match for hit in more)
        counts = found_by_kind.setdefault(how, [0, 0, 0])
        counts[0] += found
        counts[1] += 1
        counts[2] += deep
        if not deep:
            best = next((hit for hit in more if hit.entity.id == target), None)
            misses.append({"query": props, "noise": how, "target": target,
                           "target_names": screener.by_id[target].properties.get("name", [])
                           + screener.by_id[target].properties.get("alias", []),
                           "target_score": round(best.score, 3) if best else None,
                           "target_explanation": best.match.explanation() if best else None,
                           "top": [(hit.entity.caption, round(hit.score, 3)) for hit in more[:3]]})
    result["found_by_noise"] = found_by_kind
    result["misses"] = misses[:200]
    result["rss_after_queries_mib"] = peak_rss_mib()
    result["queries_peak_rss_mib"] = stage_peak_rss_mib()  # since the save
    result["peak_rss_mib"] = result["rss_after_queries_mib"]
    print(f"  [{size:,}] {len(made):,} queries: {passes[0]:.1f} s first pass, {passes[1]:.1f} s warm",
          file=sys.stderr, flush=True)

    # the candidate index against exhaustive scoring
    checked = made[: min(exhaustive, len(made))]
    if checked:
        import gc
        import multiprocessing

        _SHARED["queries"] = [query for query, *_ in checked]
        _SHARED["profiles"] = [Profile.from_properties(e.schema, e.properties) for e in entities]
        position_of = {entity_id: n for n, entity_id in enumerate(screener.index.ids)}
        exhaustive_found: dict[int, list[int]] = {}
        begin = time.perf_counter()
        # this process scores one query of each batch itself and forked helpers the others: every
        # process holds a copy-on-write image of the list, so fewer of them keeps memory in bounds
        helpers = max(0, workers - 1)
        from moneymen.match import profiles as _entities

        shipped_analyse = _entities.analyse
        gc.freeze()
        pool = multiprocessing.get_context("fork").Pool(helpers) if helpers else None
        try:
            for start in range(0, len(checked), helpers + 1):
                if time.perf_counter() - begin > budget:
                    break
                batch = list(range(start, min(start + helpers + 1, len(checked))))
                pending = pool.map_async(_exhaustive_worker, [([n], threshold) for n in batch[1:]]) if pool else None
                exhaustive_found.update(_exhaustive_worker((batch[:1], threshold)))
                if pending is not None:
                    for part in pending.get():
                        exhaustive_found.update(part)
                print(f"  [{size:,}] exhaustive scoring: {len(exhaustive_found)}/{len(checked)} queries, "
                      f"{time.perf_counter() - begin:.0f} s", file=sys.stderr, flush=True)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            gc.unfreeze()
            _entities.analyse = shipped_analyse
        result["exhaustive_s"] = time.perf_counter() - begin
        result["exhaustive_queries"] = len(exhaustive_found)
        relevant = retrieved = complete = target_relevant = target_retrieved = 0
        lost = []
        for number, hits in sorted(exhaustive_found.items()):
            query = checked[number][0]
            indexed = {position_of[r.entity.id] for r in screener.screen(query, threshold=threshold, limit=1000)
                       if r.match.match}
            relevant += len(hits)
            retrieved += len(set(hits) & indexed)
            complete += set(hits) <= indexed
            target = position_of[checked[number][1]]
            if target in hits:
                target_relevant += 1
                target_retrieved += target in indexed
            for position in set(hits) - indexed:
                lost.append({"query": checked[number][3], "noise": checked[number][2],
                             "entity": entities[position].caption, "entity_id": entities[position].id})
        result["exhaustive_relevant"] = relevant
        result["exhaustive_retrieved"] = retrieved
        result["exhaustive_complete_queries"] = complete
        result["exhaustive_target_relevant"] = target_relevant
        result["exhaustive_target_retrieved"] = target_retrieved
        result["exhaustive_lost"] = lost[:100]
        result["exhaustive_children_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


# -- report ------------------------------------------------------------------------------------


def _peaks(result: dict) -> str:
    """Peak RSS of the build, the save and the queries (the last two where they could be told apart)."""
    stages = (result.get("rss_after_build_mib"), result.get("save_peak_rss_mib"), result.get("queries_peak_rss_mib"))
    if None in stages:
        return f"{result['peak_rss_mib']:,.0f}"
    return " / ".join(f"{value:,.0f}" for value in stages)


def report(results: list[dict], args) -> str:
    lines = [f"## Screening load (threshold {args.threshold}, limit 5, {args.queries:,} queries per size)", ""]
    lines += machine_facts()
    states = sorted({r["matcher"] for r in results if "matcher" in r})
    lines.extend(f"- {state}" for state in states)
    lines.append(f"- seed {args.seed}; one child process per size; times from `time.perf_counter`")
    lines.append("")
    header = ["entities", "names", "generate s", "index build s", "build CPU s", "index file MiB", "save s",
              "load s", "load s, fresh process", "q/s first pass", "q/s warm", "target q/s", "met?",
              "peak RSS MiB: build / save / queries", "build workers' peak RSS MiB", "listed entity matched (top 5 / any rank)"]
    body = []
    for r in results:
        if "error" in r:
            body.append([f"{r['size']:,}", r["error"][:80], *[""] * 10, "—", "", "", ""])
            continue
        first, warm = (r["queries"] / s for s in r["screen_s"])
        target = 500 if r["size"] <= 100_000 else 100
        found = sum(c[0] for c in r["found_by_noise"].values())
        deep = sum(c[2] for c in r["found_by_noise"].values())
        body.append([f"{r['size']:,}", f"{r['names']:,}", f"{r['generate_s']:.1f}", f"{r['build_s']:.1f}",
                     f"{r['build_cpu_s']:.0f}", f"{r['index_bytes'] / 2**20:,.0f}", f"{r['save_s']:.1f}",
                     f"{r['load_s']:.3f}", f"{r['fresh_load_s']:.3f}", f"{first:,.0f}", f"{warm:,.0f}", f"≥ {target}",
                     "yes" if first >= target else "**no**", _peaks(r),
                     f"{r['build_workers_rss_mib']:,.0f}", f"{found / r['queries']:.1%} / {deep / r['queries']:.1%}"])
    lines.append(markdown_table(header, body, "rrrrrrrrrrrlrrrr"))
    lines.append("")
    lines.append("- index build = `Screener(entities)` (build CPU s: this process and its forked builders together); "
                 "save / load = the index written to a file as a store keeps it "
                 "(`moneymen.services.screening_index.save`) and mapped back (`load`), in this process and in a fresh one "
                 "(after its imports); the queries are screened with the "
                 "loaded index (entities decoded when they become candidates); peak RSS of this process (with the "
                 "benchmark's own list of entities) through the build, then during the save, then from the save to "
                 "the end of the queries; q/s = "
                 "`screen(query, threshold, limit=5)` over all queries, first pass and again (warm)")
    lines.append("")
    lines.append("### Candidate index recall against exhaustive scoring (every entity scored)")
    lines.append("")
    header = ["entities", "queries checked", "exhaustive matches", "also found by screen()", "recall",
              "queries complete", "listed entity: found by both / by exhaustive", "target", "met?", "exhaustive s"]
    body = []
    for r in results:
        if "exhaustive_queries" not in r:
            continue
        relevant, retrieved = r["exhaustive_relevant"], r["exhaustive_retrieved"]
        recall = retrieved / relevant if relevant else 1.0
        body.append([f"{r['size']:,}", f"{r['exhaustive_queries']:,}", f"{relevant:,}", f"{retrieved:,}",
                     f"{recall:.3f}", f"{r['exhaustive_complete_queries']}/{r['exhaustive_queries']}",
                     f"{r['exhaustive_target_retrieved']}/{r['exhaustive_target_relevant']}", "≥ 0.99 at 1M", ("yes" if recall >= 0.99 else "**no**") if r["size"] >= 1_000_000 else "—",
                     f"{r['exhaustive_s']:.0f}"])
    lines.append(markdown_table(header, body, "rrrrrrrllr"))
    lines.append("")
    lines.append("### Listed entity matched (in the first five results; at any rank), by kind of noise")
    lines.append("")
    noises = sorted({noise for r in results if "found_by_noise" in r for noise in r["found_by_noise"]})
    header = ["noise", *(f"{r['size']:,}" for r in results if "found_by_noise" in r)]
    body = []
    for noise in noises:
        row = [noise]
        for r in results:
            if "found_by_noise" not in r:
                continue
            found, total, deep = r["found_by_noise"].get(noise, (0, 0, 0))
            row.append(f"{found}/{total} ({found / total:.0%}); any rank {deep}" if total else "—")
        body.append(row)
    lines.append(markdown_table(header, body, "l" + "r" * (len(header) - 1)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="list sizes (default: 100000 1000000)")
    parser.add_argument("--queries", type=int, default=2000, help="noisy queries per size (default: 2000)")
    parser.add_argument("--exhaustive", type=int, default=200, help="queries checked by exhaustive scoring (default: 200)")
    parser.add_argument("--exhaustive-budget", type=float, default=1800.0,
                        help="seconds of exhaustive scoring per size at most (default: 1800)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="processes for exhaustive scoring (default: usable cores)")
    parser.add_argument("--seed", type=int, default=1718, help="seed of the generated lists and queries (default: 1718)")
    parser.add_argument("--threshold", type=float, default=0.7, help="match threshold (default: 0.7)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="where misses are written (default: bench/out)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        result = run_size(args.child, args.queries, args.exhaustive, args.exhaustive_budget, args.seed,
                          args.threshold, args.workers)
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes:
        print(f"size {size:,}: child process …", file=sys.stderr, flush=True)
        command = [sys.executable, __file__, "--child", str(size), "--queries", str(args.queries),
                   "--exhaustive", str(args.exhaustive), "--exhaustive-budget", str(args.exhaustive_budget),
                   "--workers", str(args.workers), "--seed", str(args.seed), "--threshold", str(args.threshold)]
        begin = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0 or not done.stdout.strip():
            results.append({"size": size, "error": f"failed (exit {done.returncode}) after {time.perf_counter() - begin:.0f} s"})
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        target = args.out / f"screening-load-{size}.json"
        target.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"  details (misses, lost candidates) in {target}", file=sys.stderr, flush=True)
    print(report(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
