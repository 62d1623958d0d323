"""Web sessions and their clickstream events, one day at a time.

The first sessions of a day are the ones the day's orders were placed in (their user, timing
and products come from the order ledger); then logged-in browsing sessions; then guests. Every
session's events follow the funnel without going backwards: views and searches, add_to_cart,
checkout_start, purchase. This is the hot path (most rows are events), so it is built with
numpy over all events of the day and formatted with one f-string per row.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import vocabulary as V
from .catalog import ProductState
from .customers import CustomerState
from .demand import Calendar, times_of_day
from .ids import customer_id, order_id, session_id
from .jsontext import q
from .lines import Lines, TabLines
from .orders import MAX_GAP, DayOrders
from .params import EVENT_ID_STRIDE, Params
from .places import PAIR_BROWSER as _PAIR_BROWSER
from .places import PAIR_DEVICE as _PAIR_DEVICE
from .places import PAIR_WEIGHT as _PAIR_WEIGHT
from .places import ipv4, mix
from .pools import Pools
from .rng import pick, stream
from .timefmt import sql_iso

LANDING, VIEW, SEARCH, CART, CHECKOUT, PURCHASE = range(6)
EVENT_TYPE = np.array(["page_view", "page_view", "search", "add_to_cart", "checkout_start", "purchase"], dtype=object)
CART_SHARE = 0.22  # browsing sessions that put something in the cart...
CHECKOUT_SHARE = 0.30  # ...and of those, the ones that start a checkout without buying
SEARCH_SHARE = 0.18


DEVICE_INFO = np.array([
    f'{{"device_type": "{V.DEVICES[d].device_type}", "browser": "{b}", '
    f'"operating_system": "{V.DEVICES[d].operating_system}", "is_mobile": {str(V.DEVICES[d].is_mobile).lower()}}}'
    for d, b in zip(_PAIR_DEVICE, _PAIR_BROWSER, strict=True)
], dtype=object)
_REFERRER_JSON = np.array(["null" if not r else f'"{r}"' for r in V.REFERRERS], dtype=object)
_LANDING = np.array(V.LANDING_PAGES, dtype=object)
_LANDING_Q = np.array([f'"{page}"' for page in V.LANDING_PAGES], dtype=object)
_CHECKOUT, _CHECKOUT_Q = np.array([V.CHECKOUT_PAGE], dtype=object), np.array([f'"{V.CHECKOUT_PAGE}"'], dtype=object)
_CONFIRMATION = np.array([V.CONFIRMATION_PAGE], dtype=object)
_CONFIRMATION_Q = np.array([f'"{V.CONFIRMATION_PAGE}"'], dtype=object)
_SEARCH_PAGES: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}


def _search_pages(pools: Pools) -> tuple[np.ndarray, np.ndarray]:
    """The search page of each word of the pool, plain and quoted (made once per pool)."""
    pages = _SEARCH_PAGES.get(pools.words)
    if pages is None:
        plain = [V.SEARCH_PAGE + w for w in pools.words]
        pages = _SEARCH_PAGES[pools.words] = (np.array(plain, dtype=object),
                                              np.array([f'"{u}"' for u in plain], dtype=object))
    return pages


#: Sessions per slice: a day is generated slice by slice, each from its own stream, so memory
#: is bounded by the slice, not by sessions per day.
SLICE = 1_000


def day_web(
    params: Params, calendar: Calendar, customers: CustomerState, products: ProductState, pools: Pools,
    day: int, orders: DayOrders, since: int | None = None, until: int | None = None, lines: TabLines | None = None,
) -> Iterator[tuple[str, list[tuple] | Lines]]:
    """``(table, rows)`` of each slice of the day's sessions: sessions, then their events. With
    ``since``/``until``, only the sessions that ended in ``[since, until)`` (a session and its
    events reach the store when it closes). With ``lines`` (checked by :func:`plain_events`), each
    slice's events come as :class:`~.lines.Lines`."""
    n = int(calendar.sessions[day])
    for a in range(0, n, SLICE):
        yield from _slice(params, calendar, customers, products, pools, day, orders, a, min(a + SLICE, n),
                          since, until, lines)


def plain_events(lines: TabLines, pools: Pools, products: ProductState) -> bool:
    """Whether every text an event's line can hold passes ``lines`` unchanged: the vocabulary the
    page addresses, referrers, devices and event types come from, the search words and the product
    ids (ids, timestamps and numbers are digits and letters by construction)."""
    pages = [*V.LANDING_PAGES, V.PRODUCT_PAGE, V.SEARCH_PAGE, V.CHECKOUT_PAGE, V.CONFIRMATION_PAGE]
    texts = [*pages, *(r for r in V.REFERRERS if r), *DEVICE_INFO.tolist(), *EVENT_TYPE.tolist(), *pools.words,
             *products.ids.tolist()]
    return lines.plain(texts)


def purchase_session_ids(calendar: Calendar, orders: DayOrders) -> list[str]:
    """The session each order of the day was placed in: the day's first sessions, in order."""
    first = int(calendar.session_offset[orders.day])
    return [session_id(first + k) for k in range(len(orders))]


def _where_from(
    rng: np.random.Generator, customers: CustomerState, user: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Device pair, city, ZIP (index into ``places.zips``) and IP address of each session.

    A logged-in customer uses one of their own devices; at home (most of the time) the session
    comes from one of their home addresses and their own ZIP code, travelling from another city
    drawn by population, with an address of that city's blocks that stays the same for the
    customer and the city. Guests are anywhere, by population, with an address of their city.
    """
    n, pl = len(user), customers.places
    known = user >= 0
    u = np.where(known, user, 0)
    pair = np.where(known, customers.devices[u, rng.integers(0, 2, n)], pick(rng, _PAIR_WEIGHT, n))
    home = known & (rng.random(n) < V.HOME_CITY_SHARE)
    city = np.where(home, customers.city[u], pl.pick_cities(rng, n)).astype(np.int64)
    postal = pl.zip_ptr[city] + np.where(home, customers.zip[u], pl.pick_in(rng, pl.zip_ptr, city))
    travel_h = (mix(customers.seed, u, city) >> np.uint64(32)).astype(np.int64)
    h = np.where(known, travel_h, rng.integers(0, 1 << 32, n))
    ip = np.where(home, customers.home_ip[u, rng.integers(0, 2, n)], pl.ip(city, h))
    return pair, city, postal, ip


def _slice(
    params: Params, calendar: Calendar, customers: CustomerState, products: ProductState, pools: Pools,
    day: int, orders: DayOrders, a: int, b: int, since: int | None = None, until: int | None = None,
    lines: TabLines | None = None,
) -> Iterator[tuple[str, list[tuple] | Lines]]:
    """Session rows, then event rows, of the day's sessions ``a``..``b - 1`` (formatted one after the
    other so that a consumer sees where the time goes)."""
    rng = stream(params.seed, "sessions", day, a)
    n = b - a
    n_orders = max(0, min(len(orders), b) - a)  # purchase sessions in this slice (they come first)
    o = slice(a, a + n_orders)
    logged_in = (np.arange(a, b) < int(calendar.logged_in[day]))
    first_index = int(calendar.session_offset[day]) + a
    kind_purchase = np.arange(n) < n_orders

    # --- shape of each session: event count and funnel stage boundaries -------------------------
    count = rng.integers(params.events_min, params.events_max + 1, n)
    count[:n_orders] = np.diff(orders.event_ptr)[o]
    wants_cart = rng.random(n) < CART_SHARE
    n_checkout = (wants_cart & (rng.random(n) < CHECKOUT_SHARE)).astype(np.int64)
    n_cart = np.where(wants_cart, rng.integers(1, 3, n), 0)
    n_cart = np.minimum(n_cart, (count - 1 - n_checkout) // 2)
    n_checkout[n_cart == 0] = 0
    items = np.zeros(n, np.int64)
    items[:n_orders] = orders.items_per_order[o]
    extras = count - 3 - 2 * items  # purchase sessions: extra views before the ordered products
    b_cart = np.where(kind_purchase, extras + items + 1, count - n_cart - n_checkout)
    b_checkout = np.where(kind_purchase, b_cart + items, b_cart + n_cart)
    b_purchase = np.where(kind_purchase, count - 1, count)

    # --- events, flat over the slice ----------------------------------------------------------------
    ptr = np.concatenate([[0], np.cumsum(count)])
    total = int(ptr[-1])
    sess = np.repeat(np.arange(n), count)
    pos = np.arange(total) - ptr[sess]
    gaps = 1 + np.minimum(rng.exponential(40.0, total).astype(np.int64), MAX_GAP)
    gaps[ptr[:-1]] = 0
    offsets = np.cumsum(gaps)
    offsets -= offsets[ptr[:-1]][sess]
    duration = offsets[ptr[1:] - 1]
    start = calendar.day_start(day) + times_of_day(rng, n)
    start = np.minimum(start, calendar.day_start(day + 1) - 1 - duration)  # over by the day's end
    start = np.maximum(start, calendar.start_s)
    if n_orders:
        pe = int(ptr[n_orders])  # purchase sessions come first, so do their events
        offsets[:pe] = orders.event_offsets[orders.event_ptr[a]:orders.event_ptr[a + n_orders]]
        duration[:n_orders] = (orders.t - orders.session_start)[o]
        start[:n_orders] = orders.session_start[o]

    stage = np.full(total, VIEW)
    stage[pos == 0] = LANDING
    stage[pos >= b_cart[sess]] = CART
    stage[pos >= b_checkout[sess]] = CHECKOUT
    stage[pos >= b_purchase[sess]] = PURCHASE
    # Searches only where no cart event points back at this view.
    p_sess = kind_purchase[sess]
    searchable = (stage == VIEW) & (rng.random(total) < SEARCH_SHARE)
    searchable &= np.where(p_sess, pos <= extras[sess], pos > n_cart[sess])
    stage[searchable] = SEARCH

    # Products: random popular ones; ordered items on purchase sessions; carts repeat a viewed product.
    product = products.pick(rng, total, day)
    if n_orders:
        p_pos, p_sess_idx = pos[:pe], sess[:pe]
        view_item = (p_pos > extras[p_sess_idx]) & (p_pos < b_cart[p_sess_idx])
        cart_item = (p_pos >= b_cart[p_sess_idx]) & (p_pos < b_checkout[p_sess_idx])
        rel = np.where(view_item, p_pos - extras[p_sess_idx] - 1, p_pos - b_cart[p_sess_idx])
        take = np.flatnonzero(view_item | cart_item)
        product[take] = orders.product[orders.item_ptr[a + p_sess_idx[take]] + rel[take]]
    browse_cart = (stage == CART) & ~p_sess
    src = ptr[sess[browse_cart]] + 1 + (pos[browse_cart] - b_cart[sess[browse_cart]])
    product[browse_cart] = product[src]

    # --- session attributes --------------------------------------------------------------------------
    referrer = pick(rng, V.REFERRER_WEIGHTS, n)
    landing = rng.integers(0, len(_LANDING), n)
    word = rng.integers(0, len(pools.words), total)
    user = np.full(n, -1, np.int64)
    user[:n_orders] = orders.customer[o]
    browse = np.flatnonzero(logged_in & ~kind_purchase)
    user[browse] = customers.pick_visitors(rng, start[browse])
    pair, city, postal, ip = _where_from(rng, customers, user)
    lat_jitter, lon_jitter = rng.uniform(-0.03, 0.03, n), rng.uniform(-0.03, 0.03, n)
    ip_text = ipv4(ip)
    zips = customers.places.zips

    user_id = np.array([None if u < 0 else customer_id(int(u)) for u in user], dtype=object)
    user_json = np.array(["null" if u is None else f'"{u}"' for u in user_id], dtype=object)
    sids = [session_id(first_index + j) for j in range(n)]
    sid_arr = np.array(sids, dtype=object)
    device_info = DEVICE_INFO[pair]
    end = start + duration
    keep = None
    if since is not None or until is not None:
        keep = np.ones(n, bool)
        if since is not None:
            keep &= end >= since
        if until is not None:
            keep &= end < until
    if keep is not None and not keep.any():
        return

    # --- session rows -------------------------------------------------------------------------------------
    (start_sql, start_iso), (end_sql, end_iso) = sql_iso(start), sql_iso(end)
    sessions = []
    for j in (range(n) if keep is None else np.flatnonzero(keep).tolist()):
        dev = V.DEVICES[_PAIR_DEVICE[pair[j]]]
        c = V.CITIES[city[j]]
        browser = _PAIR_BROWSER[pair[j]]
        location = (
            f'{{"city": {q(c.city)}, "state": "{c.state}", "postal_code": "{zips[postal[j]]}", '
            f'"country": "{V.COUNTRY}", "latitude": {c.latitude + lat_jitter[j]:.4f}, '
            f'"longitude": {c.longitude + lon_jitter[j]:.4f}}}'
        )
        ip_s = ip_text[j]
        dur = int(duration[j])
        raw = (
            f'{{"session_id": "{sids[j]}", "user_id": {user_json[j]}, "start_time": "{start_iso[j]}", '
            f'"end_time": "{end_iso[j]}", "duration_seconds": {dur}, "device_type": "{dev.device_type}", '
            f'"browser": "{browser}", "operating_system": "{dev.operating_system}", "location": {location}, '
            f'"ip_address": "{ip_s}", "is_mobile": {str(dev.is_mobile).lower()}, "event_count": {int(count[j])}, '
            f'"landing_page": "{_LANDING[landing[j]]}", "referrer": {_REFERRER_JSON[referrer[j]]}}}'
        )
        sessions.append((sids[j], user_id[j], start_sql[j], end_sql[j], dur, dev.device_type, browser,
                         dev.operating_system, location, ip_s, dev.is_mobile, V.SOURCE_SYSTEM, raw))
    yield "raw_sessions", sessions

    # --- event columns ----------------------------------------------------------------------------------
    # Each page address also quoted for the JSON, from small tables (the products of the slice,
    # the search words) rather than two string concatenations per event.
    pid_of = products.ids
    page_of = np.empty(products.n, dtype=object)
    page_q_of = np.empty(products.n, dtype=object)
    pid_q_of = np.empty(products.n, dtype=object)
    used = np.flatnonzero(np.bincount(product, minlength=products.n))  # sorted, as np.unique
    page_of[used] = [V.PRODUCT_PAGE + pid for pid in pid_of[used].tolist()]
    page_q_of[used] = [f'"{page}"' for page in page_of[used].tolist()]
    pid_q_of[used] = [f'"{pid}"' for pid in pid_of[used].tolist()]
    search, search_q = _search_pages(pools)
    url = np.empty(total, dtype=object)
    url_q = np.empty(total, dtype=object)
    landing_at, search_at = np.flatnonzero(stage == LANDING), np.flatnonzero(stage == SEARCH)
    for at, plain, quoted, key in (
        (landing_at, _LANDING, _LANDING_Q, landing[sess[landing_at]]),
        (search_at, search, search_q, word[search_at]),
        (np.flatnonzero(stage == CHECKOUT), _CHECKOUT, _CHECKOUT_Q, 0),
        (np.flatnonzero(stage == PURCHASE), _CONFIRMATION, _CONFIRMATION_Q, 0),
    ):
        url[at], url_q[at] = plain[key], quoted[key]
    is_product = (stage == VIEW) | (stage == CART)
    url[is_product] = page_of[product[is_product]]
    url_q[is_product] = page_q_of[product[is_product]]
    ref_json = np.empty(total, dtype=object)
    ref_json[1:] = url_q[:-1]
    ref_json[ptr[:-1]] = _REFERRER_JSON[referrer]
    ref_col = np.empty(total, dtype=object)
    ref_col[1:] = url[:-1]
    ref_col[ptr[:-1]] = [V.REFERRERS[r] or None for r in referrer]
    product_json = np.full(total, "null", dtype=object)
    product_json[is_product] = pid_q_of[product[is_product]]
    order_json = np.full(total, "null", dtype=object)
    if n_orders:
        order_json[ptr[1:n_orders + 1] - 1] = [f'"{order_id(int(i))}"' for i in orders.index[o]]

    t_event = start[sess] + offsets
    ev_sql, ev_iso = sql_iso(t_event)
    event_id = ((first_index + sess) * EVENT_ID_STRIDE + pos).tolist()
    etype = EVENT_TYPE[stage].tolist()
    if lines is not None and (keep is None or bool(keep.all())):  # a step's partial slice: rows
        # The f-string below with each line's columns in front of its JSON (see .lines); what is
        # the same for a whole session is joined once per session, not once per event.
        null, after_ts = lines.null, f'\t{lines.escape(params.source_system)}\t{{"event_id": '
        user_text = [null if u is None else u for u in user_id.tolist()]
        sids, user_js, devices = sid_arr.tolist(), user_json.tolist(), device_info.tolist()
        ids_text = np.array([f"\t{s}\t{u}\t" for s, u in zip(sids, user_text, strict=True)], dtype=object)
        device_text = np.array([f"\t{d}\t" for d in devices], dtype=object)
        json_ids = np.array([f', "session_id": "{s}", "user_id": {uj}, "event_type": "'
                             for s, uj in zip(sids, user_js, strict=True)], dtype=object)
        json_device = np.array([f', "device_info": {d}, "event_timestamp": "' for d in devices], dtype=object)
        text = "".join([
            f'{eid}{ids}{et}\t{pu}\t{rc}{dev}{ts}{after_ts}{eid}{jids}{et}", "page_url": "{pu}", '
            f'"referrer": {rj}, "product_id": {pj}, "order_id": {oj}{jdev}{ti}"}}\n'
            for eid, ids, et, pu, rc, dev, ts, jids, rj, pj, oj, jdev, ti in zip(
                event_id, ids_text[sess].tolist(), etype, url.tolist(),
                [null if r is None else r for r in ref_col.tolist()], device_text[sess].tolist(), ev_sql,
                json_ids[sess].tolist(), ref_json.tolist(), product_json.tolist(), order_json.tolist(),
                json_device[sess].tolist(), ev_iso, strict=True)
        ])
        yield "raw_clickstream", Lines(text, total)
        return
    ev_sid, ev_user, ev_user_json, ev_dev = sid_arr[sess].tolist(), user_id[sess].tolist(), user_json[sess].tolist(), \
        device_info[sess].tolist()
    events = [
        (eid, s, u, et, pu, rc, dv, ts, V.SOURCE_SYSTEM,
         f'{{"event_id": {eid}, "session_id": "{s}", "user_id": {uj}, "event_type": "{et}", "page_url": "{pu}", '
         f'"referrer": {rj}, "product_id": {pj}, "order_id": {oj}, "device_info": {dv}, "event_timestamp": "{ti}"}}')
        for eid, s, u, uj, et, pu, rc, rj, pj, oj, dv, ts, ti in zip(
            event_id, ev_sid, ev_user, ev_user_json, etype, url.tolist(), ref_col.tolist(), ref_json.tolist(),
            product_json.tolist(), order_json.tolist(), ev_dev, ev_sql, ev_iso, strict=True)
    ]
    if keep is not None:
        events = [e for e, k in zip(events, keep[sess].tolist(), strict=True) if k]

    yield "raw_clickstream", events
