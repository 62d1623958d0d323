"""Contract section 5, people and places: what a data engineer checks first and a leak must never do.

Safety rules count violating rows (zero allowed): emails on reserved domains and unique, phone
numbers in the range reserved for fiction, IP addresses public unicast IPv4. Believability rules
measure a figure over the whole table: given names that agree with gender, an opt-in rate that
does not follow gender, logged-in sessions mostly in the customer's home city. (City, state and ZIP
code belonging together is :mod:`.rules_consistency`'s place rules.)
"""

from __future__ import annotations

import math

from ..vocabulary import people as P
from ..vocabulary import web as W
from .sql import Context, Rule, Sql, in_list

C, M = "consistency", "realism"
NAME_GENDER = (0.0, 0.10)  # share of common given names (5+ customers) carried by both women and men
OPT_IN_GAP = 0.10  # |opt-in rate of women - of men|, at least; wider for small datasets (4 sigma)
HOME_CITY = (0.50, 0.95)  # logged-in sessions in the customer's home city
COMMON_NAME = 5


def _domain(q: Sql, email: str) -> str:
    if q.pg:
        return f"lower(split_part({email}, '@', 2))"
    return f"lower(substr({email}, instr({email}, '@') + 1))"


def _one_at(q: Sql, email: str) -> str:
    """Exactly one ``@``, with something before and after it."""
    if q.pg:
        return f"({email} ~ '^[^@[:space:]]+@[^@[:space:]]+$')"
    return (f"(instr({email}, '@') > 1 AND instr(substr({email}, instr({email}, '@') + 1), '@') = 0 "
            f"AND length({email}) > instr({email}, '@'))")


def customer_email_reserved(q: Sql) -> str:
    d = _domain(q, "email")
    tlds = " OR ".join(f"{d} LIKE '%{t}' OR {d} = '{t[1:]}'" for t in P.RESERVED_EMAIL_TLDS)
    return f"""SELECT count(*) FROM {q.t('raw_customers')}
WHERE NOT COALESCE({_one_at(q, 'email')} AND ({d} IN {in_list(P.RESERVED_EMAIL_DOMAINS)} OR {tlds}), FALSE)"""


def customer_email_unique(q: Sql) -> str:
    return f"SELECT count(email) - count(DISTINCT lower(email)) FROM {q.t('raw_customers')}"


def customer_phone_fiction(q: Sql) -> str:
    if q.pg:
        ok = "(phone ~ '^\\+1-[2-9][0-9][0-9]-555-01[0-9][0-9]$')"
    else:
        ok = "(phone GLOB '+1-[2-9][0-9][0-9]-555-01[0-9][0-9]')"
    return f"SELECT count(*) FROM {q.t('raw_customers')} WHERE NOT COALESCE({ok}, FALSE)"


def _address(q: Sql) -> str:
    """Each session's ip_address as a number (NULL unless it is canonical dotted-quad IPv4), worked out once per row.

    The subquery is kept apart (``OFFSET 0``): merged into the outer query, its expression would be
    worked out again in each range test (a regular expression per test and row on PostgreSQL: 23 s).
    """
    if q.pg:
        octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
        canonical = f"ip_address ~ '^{octet}(\\.{octet}){{3}}$'"
        number = " + ".join(f"CAST(split_part(ip_address, '.', {k}) AS bigint) * {256 ** (4 - k)}" for k in range(1, 5))
        return f"SELECT CASE WHEN {canonical} THEN {number} END AS ip FROM {q.t('raw_sessions')}{q.apart}"
    arr = "('[' || replace(ip_address, '.', ',') || ']')"
    item = [f"json_extract({arr}, '$[{k}]')" for k in range(4)]
    canonical = (f"json_valid({arr}) AND json_array_length({arr}) = 4 AND "
                 f"(CAST({item[0]} AS TEXT) || '.' || {item[1]} || '.' || {item[2]} || '.' || {item[3]}) = ip_address "
                 f"AND {' AND '.join(f'typeof({i}) = {chr(39)}integer{chr(39)} AND {i} BETWEEN 0 AND 255' for i in item)}")
    number = " + ".join(f"{item[k]} * {256 ** (3 - k)}" for k in range(4))
    return f"SELECT CASE WHEN {canonical} THEN {number} END AS ip FROM {q.t('raw_sessions')}{q.apart}"


def session_ip_public(q: Sql) -> str:
    reserved = " OR ".join(f"ip BETWEEN {lo} AND {hi}" for lo, hi in W.reserved_ranges())
    return f"SELECT count(*) FROM ({_address(q)}) AS a WHERE ip IS NULL OR {reserved}"


def _gender(column: str) -> str:
    return f"{column} IN ('female', 'male')"


def customer_name_gender(q: Sql) -> str:
    return f"""SELECT COALESCE(1.0 * count(CASE WHEN f > 0 AND m > 0 THEN 1 END) / NULLIF(count(*), 0), 0)
FROM (SELECT first_name, SUM(CASE WHEN gender = 'female' THEN 1 ELSE 0 END) AS f,
             SUM(CASE WHEN gender = 'male' THEN 1 ELSE 0 END) AS m
      FROM {q.t('raw_customers')} WHERE {_gender('gender')} GROUP BY first_name
      HAVING count(*) >= {COMMON_NAME}) AS names"""


def customer_opt_in_gender(q: Sql) -> str:
    opt = f"CAST({q.txt('raw_data', 'marketing_opt_in')} AS TEXT)"
    stated = f"{opt} IN ('true', 'false', '1', '0')"
    rate = "AVG(CASE WHEN gender = '{g}' THEN CASE WHEN {opt} IN ('true', '1') THEN 1.0 ELSE 0.0 END END)"
    return f"""SELECT COALESCE(ABS({rate.format(g='female', opt=opt)} - {rate.format(g='male', opt=opt)}), 0)
FROM {q.t('raw_customers')} WHERE {_gender('gender')} AND {stated}"""


def _opt_in_allowed(ctx: Context) -> tuple[float, float]:
    """0.1, or four standard deviations of the gap between two independent samples when that is wider
    (a few hundred customers cannot show a gap of 0.1: two independent draws differ by that often)."""
    if ctx.params is None:
        return 0.0, OPT_IN_GAP
    n = ctx.params.sized().customers
    sigma = 0.5 * math.sqrt(1 / (0.49 * n) + 1 / (0.47 * n))
    return 0.0, round(max(OPT_IN_GAP, 4 * sigma), 3)


def session_home_city(q: Sql) -> str:
    city = q.txt("s.location", "city")
    state = q.txt("s.location", "state")
    return f"""SELECT 1.0 * count(CASE WHEN {city} = {q.txt('c.address', 'city')} AND {state} = {q.txt('c.address', 'state')}
                         THEN 1 END) / NULLIF(count(*), 0)
FROM {q.t('raw_sessions')} s JOIN {q.t('raw_customers')} c ON c.customer_id = s.user_id"""


def _const(bounds: tuple[float, float]):  # type: ignore[no-untyped-def]
    return lambda ctx: bounds


RULES: tuple[Rule, ...] = (
    Rule("customer_email_reserved", C, "email is on a reserved domain (example.com/.net/.org, a name under "
         ".example or .test): no mail can reach a person", customer_email_reserved),
    Rule("customer_email_unique", C, "no two customers share an email (case-insensitive)", customer_email_unique),
    Rule("customer_phone_fiction", C, "phone is +1-AAA-555-01XX, the NANP range reserved for fiction",
         customer_phone_fiction),
    Rule("session_ip_public", C, "ip_address is canonical public unicast IPv4 (no private, loopback, link-local, "
         "shared, documentation, benchmark, multicast or reserved range)", session_ip_public),
    Rule("customer_name_gender", M, f"share of given names with {COMMON_NAME}+ female/male customers carried by "
         f"both in [{NAME_GENDER[0]:g}, {NAME_GENDER[1]:g}] (gender agrees with the name)", customer_name_gender,
         allowed=_const(NAME_GENDER)),
    Rule("customer_opt_in_gender", M, f"|opt-in rate of female - of male customers| at most {OPT_IN_GAP:g} (4 sigma "
         "if wider for few customers): opt-in does not follow gender", customer_opt_in_gender,
         allowed=_opt_in_allowed),
    Rule("session_home_city", M, f"share of logged-in sessions in the customer's home city in "
         f"[{HOME_CITY[0]:g}, {HOME_CITY[1]:g}]", session_home_city, allowed=_const(HOME_CITY)),
)
