"""Categories, brands, and per-subcategory product schemas: attributes, price bands, names, copy.

A product is drawn from its *subcategory*: a smartphone has storage, a screen size and a weight of
0.12-0.25 kg; a sofa weighs tens of kilograms; a book has an author and pages but no weight. Names
follow "brand + model line + variant" ("Sonique Nova 5 Smartphone, 128 GB, Midnight Blue"), so a
subcategory has a finite *name space*: :func:`name_space` counts it and :func:`compose` turns one
number of that space (plus random draws for the attributes the name does not show) into a product.
The engine enumerates the space without repetition (distinct names); the factories draw from it.
The validator reads the same :class:`Attr` ranges, so a product is checked against exactly what
it was drawn from.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from .catalog_items import SUBCATEGORY_SPECS, Attr, Subcategory

__all__ = [
    "CATEGORIES", "CATEGORY_BY_NAME", "COLORS", "MATERIALS", "PRODUCT_ADJECTIVES", "SIZED_CATEGORIES",
    "SUBCATEGORIES", "SUBCATEGORY_BY_NAME", "Attr", "Category", "Subcategory", "compose", "name_head", "name_space",
]


class Category(NamedTuple):
    name: str
    subcategories: tuple[str, ...]
    brands: tuple[str, ...]
    price_range: tuple[float, float]  # envelope of the subcategories' bands
    margin_range: tuple[float, float]  # cost = price * (1 - margin)
    sizes: tuple[str, ...]  # empty: the category has no sizes (books, electronics...)
    weight: float  # share of the catalog


_BRANDS = {
    "Electronics": ("Apex", "Voltix", "Nordtek", "Lumina", "Sonique"),
    "Clothing": ("Urban Thread", "Northline", "Coastal Co", "Vela", "Ironweave"),
    "Shoes": ("Stride", "Peakfoot", "Solace", "Trailmark", "Ember"),
    "Home & Kitchen": ("Hearth", "Casa Nova", "Oakridge", "Pureform", "Kindred"),
    "Books": ("Penrose Press", "Bluequill", "Harbor Books", "Lantern House", "Folio & Co"),
    "Sports & Outdoors": ("Summitline", "Kinetic", "Wildpath", "Tidal", "Ridgeback"),
    "Beauty": ("Glow Lab", "Verdant", "Lumiere", "Aqua Pura", "Rosewell"),
    "Toys & Games": ("Playwise", "Brickhaus", "Funforge", "Tinkertot", "Jolly Jam"),
}
_MARGINS = {
    "Electronics": (0.10, 0.35), "Clothing": (0.40, 0.70), "Shoes": (0.35, 0.60), "Home & Kitchen": (0.25, 0.55),
    "Books": (0.20, 0.45), "Sports & Outdoors": (0.25, 0.50), "Beauty": (0.45, 0.75), "Toys & Games": (0.30, 0.55),
}
_SHARES = {
    "Electronics": 0.16, "Clothing": 0.18, "Shoes": 0.10, "Home & Kitchen": 0.14, "Books": 0.12,
    "Sports & Outdoors": 0.10, "Beauty": 0.10, "Toys & Games": 0.10,
}
_SIZES = {"Clothing": ("XS", "S", "M", "L", "XL", "XXL"), "Shoes": ("6", "7", "8", "9", "10", "11", "12")}

SUBCATEGORIES: tuple[Subcategory, ...] = SUBCATEGORY_SPECS
SUBCATEGORY_BY_NAME: dict[tuple[str, str], Subcategory] = {(s.category, s.name): s for s in SUBCATEGORIES}


def _category(name: str) -> Category:
    subs = [s for s in SUBCATEGORIES if s.category == name]
    return Category(name, tuple(s.name for s in subs), _BRANDS[name],
                    (min(s.price_range[0] for s in subs), max(s.price_range[1] for s in subs)),
                    _MARGINS[name], _SIZES.get(name, ()), _SHARES[name])


CATEGORIES: tuple[Category, ...] = tuple(_category(name) for name in _BRANDS)
CATEGORY_BY_NAME = {c.name: c for c in CATEGORIES}
SIZED_CATEGORIES = frozenset(c.name for c in CATEGORIES if c.sizes)

#: Kept for callers of the old flat vocabulary (the Faker provider's ``bronze_color``/``bronze_material``).
COLORS = ("Black", "White", "Navy", "Red", "Green", "Gray", "Blue", "Beige", "Brown", "Pink")
MATERIALS = ("Cotton", "Polyester", "Leather", "Steel", "Aluminium", "Wood", "Plastic", "Glass", "Wool", "Bamboo")
PRODUCT_ADJECTIVES = ("Classic", "Premium", "Essential", "Pro", "Ultra", "Eco", "Smart", "Compact", "Deluxe", "Everyday")


def _radices(sub: Subcategory) -> list[int]:
    """Digits of a name-space number: brand, model line, generation, then each named attribute."""
    named = [len(sub.attr(a).values) for a in sub.name_attrs]
    return [len(_BRANDS[sub.category]), len(sub.lines), max(1, len(sub.generations)), *named]


def name_space(sub: Subcategory) -> int:
    """How many distinct names the subcategory can give."""
    size = 1
    for r in _radices(sub):
        size *= r
    return size


def _label(attr: Attr, value: object) -> str:
    return f"{attr.prefix}{value}{attr.unit}"


def _digits(sub: Subcategory, number: int) -> list[int]:
    digits = []
    for radix in _radices(sub):
        digits.append(number % radix)
        number //= radix
    return digits


def _named(sub: Subcategory, digits: list[int]) -> dict[str, object]:
    return {a: sub.attr(a).values[d] for a, d in zip(sub.name_attrs, digits[3:], strict=True)}


def name_head(sub: Subcategory, number: int) -> tuple[str, str]:
    """``(noun, head)`` of name-space number ``number``: ``("Smartphone", "Sonique Nova 5 Smartphone")``;
    for a book the noun is "book" and the head its title. Reviews refer to the product by these."""
    digits = _digits(sub, number)
    line = sub.lines[digits[1]]
    if sub.category == "Books":
        return "book", line
    named = _named(sub, digits)
    noun = sub.noun or str(named.get("type", ""))
    model = f"{line} {sub.generations[digits[2]]}" if sub.generations else line
    return noun, f"{_BRANDS[sub.category][digits[0]]} {model} {noun}"


def compose(sub: Subcategory, number: int, r: random.Random) -> tuple[str, str, dict[str, object], str]:
    """``(brand, name, attributes, description)`` of name-space number ``number`` of ``sub``.

    The number fixes brand, model line, generation and the attributes shown in the name; ``r``
    draws the others within their ranges.
    """
    digits = _digits(sub, number)
    brand = _BRANDS[sub.category][digits[0]]
    line = sub.lines[digits[1]]
    attrs = _named(sub, digits)
    narrower = {a.name: a for a in (sub.by_type or {}).get(str(attrs.get("type")), ())}
    for attr in sub.attrs:
        if attr.name in attrs:
            continue
        attr = narrower.get(attr.name, attr)
        if attr.values:
            attrs[attr.name] = r.choice(attr.values)
        elif attr.decimals:
            attrs[attr.name] = round(r.uniform(attr.lo, attr.hi), attr.decimals)
        else:
            attrs[attr.name] = r.randint(int(attr.lo), int(attr.hi))
    noun, head = name_head(sub, number)
    shown = ", ".join(_label(sub.attr(a), attrs[a]) for a in sub.name_attrs if sub.noun or a != "type")
    if sub.category == "Books":
        name = f"{line} by {attrs['author']}, {attrs['format']}"
        short = line
    else:
        name = head + (f", {shown}" if shown else "")
        short = head[: -len(noun) - 1] if noun else head
    phrases = [p.format(v=attrs[a]) for a, p in sub.phrases if a in attrs]
    spec = ", ".join(phrases[:-1]) + (f" and {phrases[-1]}" if len(phrases) > 1 else "".join(phrases))
    description = sub.copy.format(short=short, noun=noun.lower(), brand=brand, **attrs).strip()
    if spec:
        description += f" Highlights include {spec}."
    description += " " + r.choice(sub.closings)
    return brand, name, attrs, description
