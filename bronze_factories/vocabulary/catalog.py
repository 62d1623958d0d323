"""Categories, brands, price bands and product attributes of the catalog."""

from __future__ import annotations

from typing import NamedTuple


class Category(NamedTuple):
    name: str
    subcategories: tuple[str, ...]
    brands: tuple[str, ...]
    price_range: tuple[float, float]  # list price, log-uniform between the bounds
    margin_range: tuple[float, float]  # cost = price * (1 - margin)
    sizes: tuple[str, ...]  # empty: the category has no sizes (books, electronics...)
    weight: float  # share of the catalog


CATEGORIES: tuple[Category, ...] = (
    Category("Electronics", ("Smartphones", "Laptops", "Headphones", "Cameras", "Accessories"),
             ("Apex", "Voltix", "Nordtek", "Lumina", "Sonique"), (15.0, 1500.0), (0.10, 0.35), (), 0.16),
    Category("Clothing", ("Shirts", "Pants", "Dresses", "Jackets", "Activewear"),
             ("Urban Thread", "Northline", "Coastal Co", "Vela", "Ironweave"), (9.0, 250.0), (0.40, 0.70),
             ("XS", "S", "M", "L", "XL", "XXL"), 0.18),
    Category("Shoes", ("Sneakers", "Boots", "Sandals", "Formal", "Running"),
             ("Stride", "Peakfoot", "Solace", "Trailmark", "Ember"), (20.0, 300.0), (0.35, 0.60),
             ("6", "7", "8", "9", "10", "11", "12"), 0.10),
    Category("Home & Kitchen", ("Cookware", "Furniture", "Bedding", "Decor", "Appliances"),
             ("Hearth", "Casa Nova", "Oakridge", "Pureform", "Kindred"), (8.0, 900.0), (0.25, 0.55), (), 0.14),
    Category("Books", ("Fiction", "Non-fiction", "Children", "Science", "Cooking"),
             ("Penrose Press", "Bluequill", "Harbor Books", "Lantern House", "Folio & Co"), (5.0, 60.0),
             (0.20, 0.45), (), 0.12),
    Category("Sports & Outdoors", ("Camping", "Fitness", "Cycling", "Water Sports", "Team Sports"),
             ("Summitline", "Kinetic", "Wildpath", "Tidal", "Ridgeback"), (10.0, 800.0), (0.25, 0.50), (), 0.10),
    Category("Beauty", ("Skincare", "Makeup", "Haircare", "Fragrance", "Bath"),
             ("Glow Lab", "Verdant", "Lumiere", "Aqua Pura", "Rosewell"), (5.0, 150.0), (0.45, 0.75), (), 0.10),
    Category("Toys & Games", ("Board Games", "Puzzles", "Dolls", "Building Sets", "Outdoor Toys"),
             ("Playwise", "Brickhaus", "Funforge", "Tinkertot", "Jolly Jam"), (5.0, 200.0), (0.30, 0.55), (), 0.10),
)
CATEGORY_BY_NAME = {c.name: c for c in CATEGORIES}
SIZED_CATEGORIES = frozenset(c.name for c in CATEGORIES if c.sizes)

COLORS = ("Black", "White", "Navy", "Red", "Green", "Gray", "Blue", "Beige", "Brown", "Pink")
MATERIALS = ("Cotton", "Polyester", "Leather", "Steel", "Aluminium", "Wood", "Plastic", "Glass", "Wool", "Bamboo")
PRODUCT_ADJECTIVES = ("Classic", "Premium", "Essential", "Pro", "Ultra", "Eco", "Smart", "Compact", "Deluxe", "Everyday")
