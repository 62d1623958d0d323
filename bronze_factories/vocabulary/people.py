"""Customers' demographics and contact details: names by gender, ages, opt-in, safe emails and phones.

Names are Faker's en_US given-name tables (female and male, with their frequency weights) and
its surname table: a female customer carries a female given name, a male customer a male one, and
non-binary or undisclosed customers any of them. Contact details can never reach anyone: emails
are only on domains reserved by RFC 2606 / RFC 6761, phones only in the NANP range reserved for
fiction (555-0100 to 555-0199) behind a real area code of the customer's city.
"""

from __future__ import annotations

import re

from faker.providers.person.en_US import Provider as _Person

GENDERS = ("female", "male", "non-binary", "undisclosed")
GENDER_WEIGHTS = (0.49, 0.47, 0.02, 0.02)

#: Given names and their frequency weights, by gender (Faker en_US).
FEMALE_NAMES: tuple[str, ...] = tuple(_Person.first_names_female)
FEMALE_WEIGHTS: tuple[float, ...] = tuple(_Person.first_names_female.values())
MALE_NAMES: tuple[str, ...] = tuple(_Person.first_names_male)
MALE_WEIGHTS: tuple[float, ...] = tuple(_Person.first_names_male.values())
#: Both tables end to end (female first): an index into this names a given name of either table.
FIRST_NAMES: tuple[str, ...] = FEMALE_NAMES + MALE_NAMES
LAST_NAMES: tuple[str, ...] = tuple(_Person.last_names)
LAST_WEIGHTS: tuple[float, ...] = tuple(_Person.last_names.values())

#: Adult age bands (years, inclusive) and their share of customers: online shoppers, most of them
#: 25-54, few past 75. Ages are uniform inside a band.
AGE_BANDS: tuple[tuple[int, int], ...] = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, 89))
AGE_WEIGHTS = (0.12, 0.22, 0.21, 0.17, 0.14, 0.09, 0.05)


def age_days(years: int, fraction: float) -> int:
    """An age of ``years`` whole years and ``fraction`` (0-1) of the next, in days: never a day short
    of the birthday whatever the leap years (and never reaching the next one)."""
    return int(years * 365.2425 + fraction * 360) + 2


#: Share of each age band that opted in to marketing mail (it depends on age, never on gender);
#: about 0.38 overall.
OPT_IN_BY_BAND = (0.46, 0.42, 0.39, 0.36, 0.33, 0.31, 0.28)

#: Reserved for documentation and testing (RFC 2606, RFC 6761): no mail to them can reach a person.
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example", "inbox.test", "post.example")
EMAIL_DOMAIN_WEIGHTS = (0.40, 0.20, 0.15, 0.10, 0.10, 0.05)
RESERVED_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_EMAIL_TLDS = (".example", ".test")

#: Local-part patterns as people pick them: ``f``/``l`` first and last name, ``fi``/``li`` their
#: initials, ``yy``/``yyyy`` the birth year, ``nn`` a two-digit number. None ends in ``_`` and
#: digits: that shape is kept for the one that makes a taken address unique (:func:`unique_local`).
EMAIL_PATTERNS = ("{f}.{l}", "{f}{l}", "{fi}{l}", "{f}_{l}", "{f}.{l}{yy}", "{f}{li}{nn}", "{l}.{f}", "{f}{yyyy}",
                  "{fi}{l}{nn}")
EMAIL_PATTERN_WEIGHTS = (0.30, 0.10, 0.15, 0.05, 0.12, 0.08, 0.05, 0.07, 0.08)

#: North American numbers reserved for fiction: 555-0100 through 555-0199 in every area code.
FICTION_EXCHANGE = "555"
FICTION_LINES = range(100, 200)

_NOT_IN_EMAIL = re.compile(r"[^a-z0-9]")


def email_word(name: str) -> str:
    """A name as it goes into an address: lower case letters and digits (``O'Brien`` -> ``obrien``)."""
    return _NOT_IN_EMAIL.sub("", name.lower())


def local_part(first: str, last: str, pattern: int, birth_year: int, number: int) -> str:
    """The address's local part for pattern index ``pattern`` of :data:`EMAIL_PATTERNS`."""
    f, l_ = email_word(first), email_word(last)
    return EMAIL_PATTERNS[pattern].format(f=f, l=l_, fi=f[:1], li=l_[:1], yy=f"{birth_year % 100:02d}",
                                          yyyy=birth_year, nn=f"{number % 100:02d}")


def unique_local(local: str, customer_number: int) -> str:
    """A taken local part made unique with the customer's number (no pattern produces this shape)."""
    return f"{local}_{customer_number}"


def phone(area_code: str, line: int) -> str:
    """``+1-AAA-555-01LL``: a number that cannot ring a real line (``line`` in 0..99)."""
    return f"+1-{area_code}-{FICTION_EXCHANGE}-{FICTION_LINES.start + line % 100:04d}"
