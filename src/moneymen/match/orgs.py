"""Organisation names: legal forms and generic words, as data.

A legal form ("Co., Ltd", "Corporation", 무역회사) says what kind of body it is, not which
one: two names that differ only in legal form are the same name. Generic words ("trading",
"general bureau", "shipping") are part of the name but weak evidence: "Korea Kwangson
Trading" and "Korea Kwangson Shipping" share their distinctive word.
"""

from __future__ import annotations

#: Legal forms and type words → one canonical token. Multi-word forms are matched first.
LEGAL_FORMS = {
    "co": "company", "co.": "company", "company": "company", "companies": "company", "cos": "company",
    "corp": "corporation", "corp.": "corporation", "corporation": "corporation",
    "inc": "incorporated", "inc.": "incorporated", "incorporated": "incorporated",
    "coltd": "company limited", "ltd": "limited", "ltd.": "limited", "limited": "limited", "llc": "limited", "l.l.c.": "limited",
    "plc": "plc", "jsc": "jsc", "ojsc": "jsc", "cjsc": "jsc", "pjsc": "jsc", "gmbh": "gmbh", "ag": "ag",
    "sa": "sa", "s.a.": "sa", "sarl": "sarl", "bv": "bv", "nv": "nv", "pte": "pte", "pvt": "pvt",
    "fze": "fze", "fzco": "fze", "fzc": "fze", "llp": "llp", "lp": "lp", "sdn": "sdn", "bhd": "bhd",
    "ooo": "limited", "ооо": "limited", "oao": "jsc", "zao": "jsc", "pao": "jsc", "ao": "jsc", "kg": "kg",
    "se": "se", "spa": "spa", "srl": "srl", "as": "as", "ab": "ab", "oy": "oy", "kk": "corporation", "зао": "jsc", "оао": "jsc", "пао": "jsc", "ао": "jsc",
    "spzoo": "limited", "ano": "ano", "ано": "ano",
    "회사": "company", "무역회사": "trading company", "주식회사": "corporation", "유한회사": "limited",
    "총회사": "general company", "련합회사": "joint company", "합영회사": "joint venture",
    "公司": "company", "有限公司": "limited company", "株式会社": "corporation", "会社": "company",
    "貿易會社": "trading company", "贸易公司": "trading company", "貿易公司": "trading company",
}
#: Multi-token legal forms → canonical form, matched before single tokens.
LEGAL_PHRASES = {
    ("company", "limited"): "company limited", ("company", "ltd"): "company limited",
    ("co", "ltd"): "company limited", ("private", "limited"): "limited", ("pte", "ltd"): "limited",
    ("sdn", "bhd"): "limited", ("joint", "stock", "company"): "jsc",
    ("limited", "liability", "company"): "limited", ("public", "limited", "company"): "plc",
    ("sp", "z", "o", "o"): "limited", ("spolka", "z", "o", "o"): "limited",  # Polish sp. z o.o.
}
#: Common words of trading-company and state-body names: kept, but weighed lightly.
GENERIC_WORDS = frozenset({
    "trading", "trade", "traders", "general", "bureau", "group", "international", "intl", "industrial",
    "industry", "industries", "shipping", "shipbuilding", "maritime", "marine", "bank", "banking", "enterprise",
    "enterprises", "holding", "holdings", "development", "investment", "commercial", "commerce", "import",
    "export", "joint", "venture", "corporation", "company", "limited", "incorporated", "the", "of", "and", "&",
    "korea", "korean", "dprk", "department", "ministry", "committee", "office", "federation", "association",
    "무역", "총국", "국", "은행", "조선", "부", "성", "위원회", "련합", "기업소", "상사",
})

#: The legal phrases by their first word, in the order above (the first that fits is taken).
_PHRASES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _canonical in LEGAL_PHRASES.items():
    _PHRASES_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _canonical))


def normalise_org_tokens(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split an organisation name's tokens into (name tokens, legal forms found), legal forms canonical."""
    forms: list[str] = []
    kept: list[str] = []
    index = 0
    lowered = [token.lower() for token in tokens]
    while index < len(lowered):
        for phrase, canonical in _PHRASES_BY_FIRST.get(lowered[index], ()):
            if tuple(lowered[index:index + len(phrase)]) == phrase:
                forms.append(canonical)
                index += len(phrase)
                break
        else:
            token = lowered[index]
            form = LEGAL_FORMS.get(token)
            if form is None and not token.isascii():  # 조선광선무역회사: a suffix written on
                for suffix in _CJK_SUFFIXES:
                    if token.endswith(suffix) and len(token) > len(suffix):
                        kept.append(token[: -len(suffix)])
                        forms.append(LEGAL_FORMS[suffix])
                        break
                else:
                    kept.append(token)
                index += 1
                continue
            if form is not None and form not in ("company", "corporation") or (form and index == len(lowered) - 1):
                forms.append(form)
            else:
                kept.append(token)
            index += 1
    return kept or lowered, forms


#: Legal forms in Hangul or Han, which are often written onto the name without a space.
_CJK_SUFFIXES = sorted((form for form in LEGAL_FORMS if any(ord(ch) > 0x2E80 for ch in form)), key=len, reverse=True)


#: Abbreviated words of organisation names → the word in full ("Int'l" → international).
ABBREVIATIONS = {
    "intl": "international", "natl": "national", "dept": "department", "assn": "association",
    "assoc": "association", "mfg": "manufacturing", "bros": "brothers", "govt": "government",
    "inst": "institute", "univ": "university", "svcs": "services", "svc": "service", "grp": "group",
    "hldgs": "holdings", "hldg": "holding", "mgmt": "management", "intern": "international",
}

#: Words that name the same thing in organisation names: translations of one Korean word (부 is
#: rendered "ministry" and "department"), British and American spellings, and the forms of one
#: generic word ("Bank" and "Banking", "Trade" and "Trading": one Korean word, 은행 or 무역).
SYNONYMS = {
    "department": "ministry", "center": "centre", "organization": "organisation", "program": "programme",
    "defense": "defence", "labor": "labour",
    "banking": "bank", "banks": "bank", "trading": "trade", "traders": "trade", "industrial": "industry",
    "industries": "industry", "holdings": "holding", "enterprises": "enterprise", "commercial": "commerce",
    "investments": "investment",
}

#: Words of DPRK organisation names written in Hangul → the English word lists use for them.
KOREAN_ORG_WORDS = {
    "조선": "korea", "무역": "trading", "총회사": "general corporation", "회사": "company", "은행": "bank",
    "총국": "general bureau", "국": "bureau", "공업": "industry", "공업부": "industry ministry", "성": "ministry",
    "위원회": "committee", "련합": "joint", "련합회사": "joint company", "합영": "joint venture",
    "기업소": "enterprise", "상사": "company", "연구소": "research institute", "연구원": "institute",
    "원자력": "atomic energy", "대외": "external", "건설": "construction", "개발": "development",
    "광업": "mining", "해운": "shipping", "해사": "maritime", "선박": "ship", "국제": "international",
    "인민군": "people's army", "인민": "people's", "중앙": "central", "국가": "state", "무역회사": "trading company",
    "그룹": "group", "투자": "investment", "기술": "technology", "설비": "equipment", "수출입": "export import",
    "조선민주주의인민공화국": "dprk", "감독": "supervision", "로케트": "rocket", "부": "ministry",
    "전람": "exhibition", "사": "company", "군": "army", "해군": "navy", "공군": "air force", "총": "general",
}
#: Korean words as DPRK bodies romanize them in Latin names ("Joson Paekho Muyok Hoesa").
ROMANIZED_ORG_WORDS = {
    "joson": "korea", "choson": "korea", "chosun": "korea", "chosen": "korea", "muyok": "trading",
    "hoesa": "company", "chonghoesa": "general corporation", "unhaeng": "bank", "ryonhap": "joint",
    "hapyong": "joint venture", "kiopso": "enterprise", "kukje": "international",
    "dpr": "dprk", "korean": "korea",
}
_KOREAN_WORDS_BY_LENGTH = sorted(KOREAN_ORG_WORDS, key=len, reverse=True)


def korean_org_words(token: str, romanize_name) -> list[str]:
    """Split a Hangul organisation word into known words (in English) and names (romanized).

    '조선남강' → ['korea', 'namgang']: the words DPRK bodies use in their English names, and the
    rest romanized by ``romanize_name`` (the way the DPRK writes its own names).
    """
    words: list[str] = []
    name = ""
    index = 0
    while index < len(token):
        for word in _KOREAN_WORDS_BY_LENGTH:
            if token.startswith(word, index) and (len(word) > 1 or not name):
                if name:
                    words.append(romanize_name(name))
                    name = ""
                words.extend(KOREAN_ORG_WORDS[word].split())
                index += len(word)
                break
        else:
            name += token[index]
            index += 1
    if name:
        words.append(romanize_name(name))
    return words
