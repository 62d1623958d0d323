"""The subcategory schemas of the catalog: what each kind of product has, within which ranges.

Plain data (see :mod:`.catalog` for how a product is composed from it). Ranges are what a shop
sells: a smartphone weighs 0.12-0.25 kg, a sofa tens of kilograms, a board game is for 2-6 players.
"""

from __future__ import annotations

from typing import NamedTuple


class Attr(NamedTuple):
    """One attribute: a choice among ``values``, or a number in ``[lo, hi]`` with ``decimals``."""

    name: str
    values: tuple = ()
    lo: float = 0.0
    hi: float = 0.0
    decimals: int = 0
    unit: str = ""  # how the value reads in a name: "128" + " GB"
    prefix: str = ""  # "Size " + "M"


class Subcategory(NamedTuple):
    category: str
    name: str
    noun: str  # "Smartphone"; with noun_from_type the "type" attribute names the product
    plural: bool  # "these boots are", "this lamp is"
    price_range: tuple[float, float]
    lines: tuple[str, ...]  # model lines (book titles for books)
    generations: tuple[str, ...]  # "5" in "Nova 5"; empty: no generation
    attrs: tuple[Attr, ...]
    name_attrs: tuple[str, ...]  # attributes shown in the name, in order
    phrases: tuple[tuple[str, str], ...]  # (attribute, "{v} GB of storage") for the description
    copy: str  # first sentence of the description; fields: short, noun, brand and the attributes
    closings: tuple[str, ...]
    aspects: tuple[str, ...]  # what reviews talk about (singular nouns)
    by_type: dict[str, tuple[Attr, ...]] | None = None  # narrower ranges for one type ("Tent" vs "Headlamp")

    def attr(self, name: str) -> Attr:
        for a in self.attrs:
            if a.name == name:
                return a
        raise KeyError(name)


def choice(name: str, *values: object, unit: str = "", prefix: str = "") -> Attr:
    return Attr(name, tuple(values), unit=unit, prefix=prefix)


def num(name: str, lo: float, hi: float, decimals: int = 0) -> Attr:
    return Attr(name, (), lo, hi, decimals)


GENS = tuple(str(g) for g in range(1, 10))
TECH_COLORS = choice("color", "Midnight Black", "Silver", "Space Gray", "Midnight Blue", "Pearl White", "Forest Green",
                     "Rose Gold", "Graphite")
WEAR_COLORS = choice("color", "Black", "White", "Navy", "Heather Gray", "Olive", "Burgundy", "Sky Blue", "Charcoal",
                     "Sand", "Red")
HOME_COLORS = choice("color", "White", "Charcoal", "Sage Green", "Terracotta", "Natural", "Navy", "Cream", "Slate Gray")
SPORT_COLORS = choice("color", "Black", "Red", "Blue", "Orange", "Lime", "Gray", "Teal", "Yellow")
CLOTHING_SIZES = choice("size", "XS", "S", "M", "L", "XL", "XXL", prefix="Size ")
SHOE_SIZES = choice("size", "6", "7", "8", "9", "10", "11", "12", prefix="Size ")
FIT = choice("fit", "Slim", "Regular", "Relaxed")
AGE = choice("age_min", 3, 5, 6, 8, 10, 12, 14)
WEIGHT = "weight_kg"
ENGLISH_MOSTLY = ("English",) * 7 + ("Spanish", "French", "German")
AUTHORS_FIRST = ("Maya", "Daniel", "Elena", "Marcus", "Priya", "Owen", "Clara", "Jonah", "Lucia", "Samuel", "Hannah",
                 "Victor", "Nora", "Felix", "Amara", "Theo", "Iris", "Caleb", "Rosa", "Adrian")
AUTHORS_LAST = ("Collins", "Hart", "Moreau", "Okafor", "Lindqvist", "Reyes", "Whitaker", "Nakamura", "Brennan", "Sato",
                "Delgado", "Fischer", "Osei", "Calloway", "Marsh", "Ivanova", "Quinn", "Ashford", "Novak", "Ellison")
AUTHOR = choice("author", *(f"{f} {last}" for f in AUTHORS_FIRST for last in AUTHORS_LAST))
FORMAT = choice("format", "Paperback", "Hardcover", "E-book")
LANGUAGE = choice("language", *ENGLISH_MOSTLY)


def _titles(adjectives: str, nouns: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.format(a=a, n=n) for p in patterns for a in adjectives.split(",") for n in nouns.split(","))


CLOSE_TECH = ("Backed by a two-year warranty.", "Ships with a quick-start guide.", "Free firmware updates included.")
CLOSE_WEAR = ("Machine washable.", "Designed to keep its shape wash after wash.", "Cut for all-day comfort.")
CLOSE_SHOES = ("Free exchanges on sizes.", "Breathable lining for all-day wear.", "Cushioned insole included.")
CLOSE_HOME = ("Easy to clean.", "Backed by a five-year guarantee.", "Designed to last for years.")
CLOSE_BOOKS = ("A perfect gift for readers of all kinds.", "Includes a reading-group guide.", "Now in a new edition.")
CLOSE_SPORT = ("Tested outdoors in every season.", "Built for weekend adventures.", "Lightweight and easy to pack.")
CLOSE_BEAUTY = ("Dermatologically tested.", "Cruelty-free and vegan.", "Free from parabens.")
CLOSE_TOYS = ("Meets all toy safety standards.", "Makes a great birthday gift.", "Hours of fun for the whole family.")


def _sub(category: str, name: str, noun: str, plural: bool, price: tuple[float, float], lines: str,
         generations: tuple[str, ...], attrs: tuple[Attr, ...], name_attrs: tuple[str, ...],
         phrases: tuple[tuple[str, str], ...], copy: str, closings: tuple[str, ...], aspects: str,
         titles: tuple[str, ...] = (), by_type: dict[str, tuple[Attr, ...]] | None = None) -> Subcategory:
    return Subcategory(category, name, noun, plural, price, titles or tuple(lines.split(",")), generations, attrs,
                       name_attrs, phrases, copy, closings, tuple(aspects.split(",")), by_type)


def kg(lo: float, hi: float, decimals: int = 2) -> tuple[Attr, ...]:
    return (num("weight_kg", lo, hi, decimals),)


E, C, S, H, B, SP, Y, T = ("Electronics", "Clothing", "Shoes", "Home & Kitchen", "Books", "Sports & Outdoors", "Beauty",
                          "Toys & Games")
W = "{v} kg"

SUBCATEGORY_SPECS: tuple[Subcategory, ...] = (
    # --- Electronics ------------------------------------------------------------------------------
    _sub(E, "Smartphones", "Smartphone", False, (149.0, 1299.0), "Nova,Pulse,Orbit,Edge,Aero,Zen", GENS,
         (choice("storage_gb", 64, 128, 256, 512, unit=" GB"), TECH_COLORS, num("screen_in", 5.4, 6.9, 1),
          num("battery_mah", 3000, 5500), num(WEIGHT, 0.12, 0.25, 3)),
         ("storage_gb", "color"), (("screen_in", "a {v}-inch display"), ("battery_mah", "a {v} mAh battery"),
                                   ("storage_gb", "{v} GB of storage")),
         "The {short} is a {color} smartphone built for everyday speed.", CLOSE_TECH,
         "battery,screen,camera,speed,build quality"),
    _sub(E, "Laptops", "Laptop", False, (399.0, 2999.0), "Book,Air,Studio,Flex,Pro", GENS,
         (choice("ram_gb", 8, 16, 32, unit=" GB RAM"), choice("storage_gb", 256, 512, 1024, unit=" GB SSD"),
          choice("color", "Silver", "Space Gray", "Midnight Black"), num("screen_in", 13.0, 17.3, 1),
          num(WEIGHT, 1.0, 2.8, 2)),
         ("ram_gb", "storage_gb", "color"), (("screen_in", "a {v}-inch screen"), ("ram_gb", "{v} GB of memory"),
                                             ("weight_kg", "a weight of just {v} kg")),
         "The {short} is a {color} laptop for work, study and everything in between.", CLOSE_TECH,
         "battery,keyboard,screen,performance,fan noise"),
    _sub(E, "Headphones", "Headphones", True, (19.0, 449.0), "Beat,Echo,Quiet,Air,Studio", GENS,
         (choice("type", "Over-Ear", "On-Ear", "In-Ear"), TECH_COLORS, num("battery_hours", 10, 60),
          choice("noise_cancelling", True, False), num(WEIGHT, 0.02, 0.40, 3)),
         ("type", "color"), (("battery_hours", "up to {v} hours of playback"),),
         "The {short} {type} headphones deliver rich, detailed sound.", CLOSE_TECH,
         "sound,battery,comfort,noise cancelling,fit"),
    _sub(E, "Cameras", "Camera", False, (99.0, 2499.0), "Vista,Focus,Shot,Frame", GENS,
         (choice("type", "Mirrorless", "Compact", "Action"), choice("megapixels", 12, 16, 20, 24, 33, 45, unit=" MP"),
          choice("color", "Black", "Silver"), num(WEIGHT, 0.10, 0.90, 3)),
         ("type", "megapixels"), (("megapixels", "a {v}-megapixel sensor"), ("weight_kg", "a body of {v} kg")),
         "Capture every moment with the {short} {type} camera.", CLOSE_TECH,
         "image quality,autofocus,battery,menu,lens"),
    _sub(E, "Accessories", "", False, (9.0, 79.0), "Link,Volt,Core,Snap", GENS,
         (choice("type", "USB-C Cable", "Wall Charger", "Power Bank", "Phone Case", "Wireless Charger",
                 "Laptop Sleeve"), TECH_COLORS, num(WEIGHT, 0.02, 0.50, 3)),
         ("type", "color"), (("color", "a {v} finish"),),
         "The {short} {type} is the accessory your devices have been missing.", CLOSE_TECH,
         "build quality,fit,charging speed,finish"),
    # --- Clothing -------------------------------------------------------------------------------------
    _sub(C, "Shirts", "", False, (9.0, 89.0), "Weekend,Harbor,Metro,Trail,Classic", (),
         (choice("type", "T-Shirt", "Oxford Shirt", "Polo Shirt", "Flannel Shirt"), WEAR_COLORS, CLOTHING_SIZES,
          choice("material", "Cotton", "Organic Cotton", "Linen", "Cotton Blend"), FIT, num(WEIGHT, 0.15, 0.35, 2)),
         ("type", "color", "size"), (("material", "soft {v} fabric"), ("fit", "a {v} fit")),
         "The {short} {type} is an easy everyday layer in {color}.", CLOSE_WEAR, "fabric,fit,color,stitching"),
    _sub(C, "Pants", "", True, (19.0, 129.0), "Weekend,Harbor,Metro,Trail,Classic", (),
         (choice("type", "Chinos", "Jeans", "Joggers", "Cargo Pants"), WEAR_COLORS, CLOTHING_SIZES,
          choice("material", "Denim", "Cotton Twill", "Fleece", "Ripstop"), FIT, num(WEIGHT, 0.3, 0.9, 2)),
         ("type", "color", "size"), (("material", "durable {v}"), ("fit", "a {v} fit")),
         "The {short} {type} are made to be worn every day.", CLOSE_WEAR, "fabric,fit,length,waistband"),
    _sub(C, "Dresses", "", False, (24.0, 189.0), "Riviera,Bloom,Soiree,Meadow,Coast", (),
         (choice("type", "Midi Dress", "Maxi Dress", "Wrap Dress", "Shirt Dress"), WEAR_COLORS, CLOTHING_SIZES,
          choice("material", "Viscose", "Linen", "Cotton", "Chiffon"), num(WEIGHT, 0.2, 0.7, 2)),
         ("type", "color", "size"), (("material", "flowing {v}"),),
         "The {short} {type} in {color} moves from day to evening with ease.", CLOSE_WEAR, "fabric,fit,length,color"),
    _sub(C, "Jackets", "", False, (39.0, 249.0), "Summit,Harbor,Metro,Storm,Classic", (),
         (choice("type", "Rain Jacket", "Puffer Jacket", "Denim Jacket", "Fleece Jacket", "Bomber Jacket"),
          WEAR_COLORS, CLOTHING_SIZES, choice("material", "Nylon", "Polyester", "Denim", "Fleece", "Wool Blend"),
          num(WEIGHT, 0.4, 1.8, 2)),
         ("type", "color", "size"), (("material", "a {v} shell"),),
         "Stay comfortable in the {short} {type}, cut in {color}.", CLOSE_WEAR, "warmth,fit,zipper,pockets"),
    _sub(C, "Activewear", "", False, (14.0, 99.0), "Stride,Flex,Tempo,Core,Motion", (),
         (choice("type", "Running Tee", "Leggings", "Training Shorts", "Sports Bra", "Track Jacket"), WEAR_COLORS,
          CLOTHING_SIZES, choice("material", "Polyester", "Nylon-Spandex", "Recycled Polyester"),
          num(WEIGHT, 0.1, 0.5, 2)),
         ("type", "color", "size"), (("material", "quick-drying {v}"),),
         "Keep up with every workout in the {short} {type}.", CLOSE_WEAR, "fabric,fit,breathability,stretch"),
    # --- Shoes ------------------------------------------------------------------------------------------
    _sub(S, "Sneakers", "", True, (39.0, 179.0), "Volta,Drift,Court,Metro,Loop", GENS,
         (choice("type", "Low-Top Sneakers", "High-Top Sneakers", "Slip-On Sneakers"), WEAR_COLORS, SHOE_SIZES,
          choice("material", "Leather", "Canvas", "Suede", "Knit"), num(WEIGHT, 0.5, 1.2, 2)),
         ("type", "color", "size"), (("material", "a {v} upper"),),
         "The {short} {type} bring clean lines to every outfit.", CLOSE_SHOES, "comfort,fit,sole,grip"),
    _sub(S, "Boots", "", True, (59.0, 299.0), "Ridge,Timber,Crest,Bastion", GENS,
         (choice("type", "Chelsea Boots", "Hiking Boots", "Work Boots", "Ankle Boots"), WEAR_COLORS, SHOE_SIZES,
          choice("material", "Leather", "Suede", "Nubuck"), num(WEIGHT, 0.9, 1.8, 2)),
         ("type", "color", "size"), (("material", "a {v} upper"),),
         "The {short} {type} are built for long days on your feet.", CLOSE_SHOES,
         "comfort,fit,sole,waterproofing"),
    _sub(S, "Sandals", "", True, (19.0, 119.0), "Shore,Breeze,Lagoon,Coast", GENS,
         (choice("type", "Slide Sandals", "Sport Sandals", "Flip-Flops"), WEAR_COLORS, SHOE_SIZES,
          choice("material", "Leather", "Rubber", "Cork", "Synthetic"), num(WEIGHT, 0.3, 0.8, 2)),
         ("type", "color", "size"), (("material", "{v} straps"),),
         "The {short} {type} are made for warm days.", CLOSE_SHOES, "comfort,fit,straps,sole"),
    _sub(S, "Formal", "", True, (69.0, 299.0), "Regent,Mayfair,Oxford,Ashby", GENS,
         (choice("type", "Oxford Shoes", "Loafers", "Derby Shoes", "Brogues"), WEAR_COLORS, SHOE_SIZES,
          choice("material", "Leather", "Patent Leather", "Suede"), num(WEIGHT, 0.7, 1.4, 2)),
         ("type", "color", "size"), (("material", "polished {v}"),),
         "The {short} {type} finish a suit or smart trousers.", CLOSE_SHOES, "comfort,fit,finish,sole"),
    _sub(S, "Running", "", True, (59.0, 229.0), "Tempo,Sprint,Glide,Pace,Vector", GENS,
         (choice("type", "Road Running Shoes", "Trail Running Shoes", "Racing Shoes"), SPORT_COLORS, SHOE_SIZES,
          choice("material", "Mesh", "Knit", "Synthetic"), num("drop_mm", 0, 12), num(WEIGHT, 0.4, 0.8, 2)),
         ("type", "color", "size"), (("material", "a breathable {v} upper"), ("drop_mm", "a {v} mm drop")),
         "The {short} {type} are tuned for easy miles and fast days.", CLOSE_SHOES, "cushioning,fit,grip,comfort"),
    # --- Home & Kitchen ----------------------------------------------------------------------------------
    _sub(H, "Cookware", "", False, (15.0, 299.0), "Chef,Heritage,Everyday,Pro Series", (),
         (choice("type", "Frying Pan", "Saucepan", "Stock Pot", "Dutch Oven", "Wok"),
          choice("diameter_cm", 16, 20, 24, 28, 32, unit=" cm"),
          choice("material", "Stainless Steel", "Cast Iron", "Aluminium", "Carbon Steel"), HOME_COLORS,
          num(WEIGHT, 0.6, 6.5, 2)),
         ("type", "diameter_cm", "material", "color"), (("material", "{v} construction"), ("diameter_cm", "a {v} cm base")),
         "The {short} {type} heats evenly on every hob, induction included.", CLOSE_HOME, "heat,handle,non-stick,size"),
    _sub(H, "Furniture", "", False, (89.0, 1899.0), "Aalto,Brook,Linden,Haven,Marlow", (),
         (choice("type", "Sofa", "Loveseat", "Armchair", "Sleeper Sofa", "Sectional Sofa"), HOME_COLORS,
          choice("material", "Linen Upholstery", "Velvet Upholstery", "Leather", "Boucle"),
          num("length_cm", 70, 290), num("width_cm", 70, 180), num("height_cm", 70, 100), num(WEIGHT, 18, 95, 1)),
         ("type", "color", "material"), (("length_cm", "a length of {v} cm"), ("weight_kg", "a solid frame of {v} kg")),
         "The {short} {type} brings relaxed comfort to the living room.", CLOSE_HOME,
         "comfort,assembly,cushions,fabric",
         by_type={"Armchair": (num("length_cm", 70, 100), num("weight_kg", 18, 35, 1)),
                  "Loveseat": (num("length_cm", 130, 170), num("weight_kg", 30, 55, 1)),
                  "Sofa": (num("length_cm", 180, 240), num("weight_kg", 40, 80, 1)),
                  "Sleeper Sofa": (num("length_cm", 180, 230), num("weight_kg", 55, 95, 1)),
                  "Sectional Sofa": (num("length_cm", 230, 290), num("weight_kg", 60, 95, 1))}),
    _sub(H, "Bedding", "", False, (19.0, 349.0), "Cloud,Haven,Nest,Serene", (),
         (choice("type", "Duvet Cover Set", "Sheet Set", "Quilt", "Weighted Blanket"),
          choice("bed_size", "Twin", "Full", "Queen", "King"),
          choice("material", "Cotton Percale", "Linen", "Bamboo", "Microfiber"), HOME_COLORS,
          num("thread_count", 200, 1000), num(WEIGHT, 0.6, 9.0, 1)),
         ("type", "bed_size", "color"), (("material", "{v} fabric"), ("thread_count", "a {v} thread count")),
         "The {short} {type} makes the bed feel like a hotel's.", CLOSE_HOME, "softness,fit,color,washing"),
    _sub(H, "Decor", "", False, (9.0, 249.0), "Lumen,Terra,Atelier,Nordic", (),
         (choice("type", "Vase", "Table Lamp", "Wall Mirror", "Picture Frame", "Candle Holder"),
          choice("material", "Ceramic", "Glass", "Brass", "Oak"), HOME_COLORS, num("height_cm", 10, 80),
          num(WEIGHT, 0.2, 6.0, 2)),
         ("type", "material", "color"), (("height_cm", "a height of {v} cm"),),
         "The {short} {type} adds a quiet accent to any shelf or table.", CLOSE_HOME, "finish,size,color,packaging"),
    _sub(H, "Appliances", "", False, (25.0, 499.0), "Brew,Crisp,Swift,Ember", GENS,
         (choice("type", "Blender", "Coffee Maker", "Toaster", "Air Fryer", "Electric Kettle"),
          choice("power_w", 600, 800, 1000, 1200, 1500, 1800, unit=" W"), HOME_COLORS, num("capacity_l", 0.5, 6.0, 1),
          num(WEIGHT, 1.0, 8.0, 2)),
         ("type", "power_w"), (("power_w", "{v} W of power"), ("capacity_l", "a {v} l capacity")),
         "The {short} {type} makes quick work of the morning routine.", CLOSE_HOME, "power,noise,cleaning,controls",
         by_type={"Electric Kettle": (num("capacity_l", 1.0, 1.8, 1), num("weight_kg", 1.0, 1.6, 2)),
                  "Air Fryer": (num("capacity_l", 3.0, 6.0, 1), num("weight_kg", 4.0, 8.0, 2)),
                  "Blender": (num("capacity_l", 0.5, 2.0, 1),),
                  "Toaster": (num("capacity_l", 0.5, 1.0, 1),)}),
    # --- Books (titles instead of model lines) -------------------------------------------------------------
    _sub(B, "Fiction", "", False, (7.0, 32.0), "", (),
         (AUTHOR, FORMAT, LANGUAGE, num("pages", 180, 720)), ("author", "format"), (("pages", "{v} pages"),),
         "{short} is a novel that stays with you long after the last page.", CLOSE_BOOKS, "story,characters,ending,pace",
         titles=_titles("Silent,Hidden,Last,Broken,Golden,Winter,Distant,Burning,Quiet,Lost,Secret,Summer",
                        "Harbor,Garden,Letter,River,Orchard,Lighthouse,Promise,Shore,Season,Island,Road,Daughter",
                        ("The {a} {n}", "A {a} {n}", "{n} of the {a} Sea"))),
    _sub(B, "Non-fiction", "", False, (9.0, 38.0), "", (),
         (AUTHOR, FORMAT, LANGUAGE, num("pages", 160, 560)), ("author", "format"), (("pages", "{v} pages"),),
         "{short} is a clear, well-researched read.", CLOSE_BOOKS, "research,writing,argument,examples",
         titles=_titles("Deep,Small,Good,Slow,Open,Simple,Hidden,Long,Brave,Quiet,Better,Common",
                        "Work,Habits,Money,Focus,Cities,Minds,Decisions,Memory,Leadership,History,Trust,Change",
                        ("{a} {n}", "The Power of {a} {n}", "On {a} {n}"))),
    _sub(B, "Children", "", False, (5.0, 22.0), "", (),
         (AUTHOR, FORMAT, LANGUAGE, num("pages", 24, 160), AGE), ("author", "format"), (("pages", "{v} pages"),),
         "{short} is a warm story to read aloud at bedtime.", CLOSE_BOOKS, "story,pictures,characters,length",
         titles=_titles("Little,Sleepy,Brave,Busy,Clever,Happy,Tiny,Curious,Grumpy,Jolly,Silly,Gentle",
                        "Fox,Bear,Dragon,Owl,Robot,Penguin,Tiger,Mouse,Whale,Rabbit,Dinosaur,Kitten",
                        ("The {a} {n}", "{a} {n} Goes to School", "Goodnight, {a} {n}"))),
    _sub(B, "Science", "", False, (12.0, 45.0), "", (),
         (AUTHOR, FORMAT, LANGUAGE, num("pages", 200, 640)), ("author", "format"), (("pages", "{v} pages"),),
         "{short} makes hard science a pleasure to read.", CLOSE_BOOKS, "explanations,writing,diagrams,depth",
         titles=_titles("Hidden,Strange,Quantum,Living,Invisible,Restless,Ancient,Elegant,Cosmic,Secret,Wild,Deep",
                        "Universe,Cells,Particles,Planet,Oceans,Genes,Stars,Brain,Atoms,Climate,Forests,Time",
                        ("The {a} {n}", "{a} {n}", "A Short History of {a} {n}"))),
    _sub(B, "Cooking", "", False, (14.0, 42.0), "", (),
         (AUTHOR, FORMAT, LANGUAGE, num("pages", 160, 420)), ("author", "format"), (("pages", "{v} pages"),),
         "{short} is a cookbook for real kitchens and busy evenings.", CLOSE_BOOKS,
         "recipes,photos,instructions,ingredients",
         titles=_titles("Simple,Weeknight,Coastal,Rustic,Fresh,Slow,Green,Sunday,Smoky,Golden,Honest,Little",
                        "Suppers,Bakes,Bowls,Kitchen,Feasts,Soups,Breads,Salads,Grills,Desserts,Pastas,Tables",
                        ("{a} {n}", "The {a} {n} Cookbook", "{a} {n} at Home"))),
    # --- Sports & Outdoors ----------------------------------------------------------------------------------
    _sub(SP, "Camping", "", False, (15.0, 599.0), "Basecamp,Alpine,Trek,Nomad", GENS,
         (choice("type", "Tent", "Sleeping Bag", "Camping Stove", "Headlamp", "Hiking Backpack"), SPORT_COLORS,
          choice("material", "Ripstop Nylon", "Polyester", "Aluminium"), num(WEIGHT, 0.05, 6.0, 2)),
         ("type", "color"), (("material", "{v} construction"), ("weight_kg", "a packed weight of {v} kg")),
         "The {short} {type} is ready for nights under the stars.", CLOSE_SPORT, "weight,durability,setup,warmth",
         by_type={"Tent": kg(1.2, 6.0),
                  "Sleeping Bag": kg(0.7, 2.2),
                  "Camping Stove": kg(0.3, 1.5),
                  "Headlamp": kg(0.05, 0.2),
                  "Hiking Backpack": kg(0.8, 2.4)}),
    _sub(SP, "Fitness", "", False, (10.0, 399.0), "Core,Forge,Flow,Iron", (),
         (choice("type", "Yoga Mat", "Dumbbell Set", "Resistance Bands", "Kettlebell", "Jump Rope"), SPORT_COLORS,
          choice("material", "Rubber", "Cast Iron", "Neoprene", "TPE"), num(WEIGHT, 0.2, 30.0, 1)),
         ("type", "color", "material"), (("material", "{v}"),),
         "Bring the gym home with the {short} {type}.", CLOSE_SPORT, "grip,durability,size,quality",
         by_type={"Yoga Mat": kg(0.8, 2.5),
                  "Dumbbell Set": kg(5.0, 30.0, 1),
                  "Resistance Bands": kg(0.2, 0.8),
                  "Kettlebell": kg(4.0, 24.0, 1),
                  "Jump Rope": kg(0.2, 0.5)}),
    _sub(SP, "Cycling", "", False, (12.0, 249.0), "Velo,Spoke,Cadence,Rally", GENS,
         (choice("type", "Bike Helmet", "Bike Light", "Cycling Gloves", "Bike Lock", "Saddle Bag"), SPORT_COLORS,
          num(WEIGHT, 0.05, 1.5, 2)),
         ("type", "color"), (("weight_kg", "a weight of {v} kg"),),
         "Made for daily commutes and long rides: the {short} {type}.", CLOSE_SPORT,
         "fit,durability,mounting,visibility",
         by_type={"Bike Helmet": kg(0.2, 0.5),
                  "Bike Light": kg(0.05, 0.2),
                  "Cycling Gloves": kg(0.05, 0.15),
                  "Bike Lock": kg(0.5, 1.5),
                  "Saddle Bag": kg(0.1, 0.4)}),
    _sub(SP, "Water Sports", "", False, (9.0, 699.0), "Tide,Reef,Current,Swell", GENS,
         (choice("type", "Swim Goggles", "Snorkel Set", "Wetsuit", "Paddle Board", "Dry Bag"), SPORT_COLORS,
          choice("material", "Silicone", "Neoprene", "PVC"), num(WEIGHT, 0.1, 12.0, 2)),
         ("type", "color"), (("material", "{v}"),),
         "Take the {short} {type} to the lake, the pool or the sea.", CLOSE_SPORT, "fit,seal,durability,comfort",
         by_type={"Swim Goggles": kg(0.1, 0.2),
                  "Snorkel Set": kg(0.3, 1.0),
                  "Wetsuit": kg(1.0, 3.0),
                  "Paddle Board": kg(7.0, 12.0),
                  "Dry Bag": kg(0.1, 0.6)}),
    _sub(SP, "Team Sports", "", False, (9.0, 149.0), "Match,Arena,Pitch,League", GENS,
         (choice("type", "Soccer Ball", "Basketball", "Volleyball", "Shin Guards", "Goalkeeper Gloves"), SPORT_COLORS,
          choice("material", "Synthetic Leather", "Rubber", "PU"), num(WEIGHT, 0.2, 0.8, 2)),
         ("type", "color"), (("material", "{v}"),),
         "Be match-ready from the first whistle with the {short} {type}.", CLOSE_SPORT, "grip,durability,bounce,size"),
    # --- Beauty -------------------------------------------------------------------------------------------------
    _sub(Y, "Skincare", "", False, (8.0, 120.0), "Dew,Pure,Radiance,Calm", (),
         (choice("type", "Moisturizer", "Face Serum", "Cleanser", "Sunscreen SPF 50", "Eye Cream"),
          choice("volume_ml", 15, 30, 50, 100, 150, 200, unit=" ml"),
          choice("skin_type", "All Skin Types", "Dry Skin", "Oily Skin", "Combination Skin", "Sensitive Skin"),
          num(WEIGHT, 0.05, 0.4, 2)),
         ("type", "volume_ml", "skin_type"), (("skin_type", "a formula for {v}"),),
         "The {short} {type} leaves skin soft and hydrated.", CLOSE_BEAUTY, "texture,scent,results,packaging"),
    _sub(Y, "Makeup", "", False, (6.0, 65.0), "Velvet,Glow,Muse,Prism", (),
         (choice("type", "Lipstick", "Mascara", "Foundation", "Eyeshadow Palette", "Blush"),
          choice("shade", "Nude", "Rose", "Berry", "Coral", "Mocha", "Ruby", "Ivory", "Bronze", "Plum", "Peach",
                 "Sand", "Cocoa", "Cherry", "Mauve", "Honey", "Espresso"),
          choice("finish", "Matte", "Satin", "Gloss"), num(WEIGHT, 0.01, 0.2, 3)),
         ("type", "shade", "finish"), (("shade", "the {v} shade"),),
         "The {short} {type} gives long-lasting color with a light feel.", CLOSE_BEAUTY, "color,wear,texture,packaging"),
    _sub(Y, "Haircare", "", False, (6.0, 55.0), "Silk,Revive,Volume,Nourish", (),
         (choice("type", "Shampoo", "Conditioner", "Hair Mask", "Hair Oil", "Dry Shampoo"),
          choice("volume_ml", 50, 100, 250, 300, 500, unit=" ml"),
          choice("hair_type", "All Hair Types", "Curly Hair", "Fine Hair", "Colored Hair", "Dry Hair"),
          num(WEIGHT, 0.06, 0.6, 2)),
         ("type", "volume_ml", "hair_type"), (("hair_type", "a formula for {v}"),),
         "The {short} {type} leaves hair smooth and shiny.", CLOSE_BEAUTY, "scent,results,texture,bottle"),
    _sub(Y, "Fragrance", "", False, (19.0, 150.0), "Noir,Bloom,Azure,Amber,Velour,Solstice,Iris,Cedar", (),
         (choice("type", "Eau de Parfum", "Eau de Toilette", "Body Mist"), choice("volume_ml", 30, 50, 100, unit=" ml"),
          choice("scent", "Citrus", "Woody", "Floral", "Fresh", "Amber", "Musk", "Oud", "Vanilla"),
          num(WEIGHT, 0.1, 0.5, 2)),
         ("type", "volume_ml", "scent"), (("scent", "{v} notes"),),
         "The {short} {type} opens bright and settles into a warm trail.", CLOSE_BEAUTY, "scent,longevity,bottle,price"),
    _sub(Y, "Bath", "", False, (5.0, 49.0), "Soak,Lagoon,Blossom,Calm", (),
         (choice("type", "Bath Bomb Set", "Body Wash", "Bath Salts", "Body Lotion", "Shower Oil"),
          choice("volume_ml", 100, 200, 250, 400, 500, unit=" ml"),
          choice("scent", "Lavender", "Eucalyptus", "Vanilla", "Citrus", "Rose", "Coconut"), num(WEIGHT, 0.1, 0.8, 2)),
         ("type", "volume_ml", "scent"), (("scent", "a {v} scent"),),
         "Turn an ordinary evening into a spa night with the {short} {type}.", CLOSE_BEAUTY, "scent,texture,skin feel,size"),
    # --- Toys & Games --------------------------------------------------------------------------------------------
    _sub(T, "Board Games", "", False, (12.0, 89.0), "Quest,Kingdom,Harbor,Galaxy,Castle,Frontier,Dynasty,Voyage", GENS,
         (choice("type", "Strategy Game", "Party Game", "Family Game", "Cooperative Game"),
          choice("players", "2-4", "2-6", "3-8", "1-4"), AGE, num("playing_time_min", 15, 120),
          num(WEIGHT, 0.4, 2.5, 2)),
         ("type", "players"), (("players", "room for {v} players"), ("playing_time_min", "games of about {v} minutes")),
         "{short} is a {type} the whole table will ask to play again.", CLOSE_TOYS, "rules,components,replay value,box"),
    _sub(T, "Puzzles", "Puzzle", False, (8.0, 49.0), "Panorama,Mosaic,Vista,Atlas", GENS,
         (choice("pieces", 100, 300, 500, 1000, 1500, 2000, unit=" Pieces"),
          choice("theme", "Landscape", "Animals", "Cities", "Art", "Space", "Ocean", "Flowers", "Maps"), AGE,
          num(WEIGHT, 0.2, 1.5, 2)),
         ("pieces", "theme"), (("pieces", "{v} pieces"),),
         "The {short} {theme} puzzle is a relaxing afternoon in a box.", CLOSE_TOYS, "pieces,picture,fit,box"),
    _sub(T, "Dolls", "", False, (9.0, 149.0), "Sunny,Daisy,Pixie,Maple,Poppy,Willow,Rosie,Luna", (),
         (choice("type", "Fashion Doll", "Baby Doll", "Rag Doll", "Doll House"),
          choice("outfit", "Party Outfit", "Summer Outfit", "School Outfit", "Pajama Set", "Ballet Outfit"),
          choice("hair", "Blonde", "Brunette", "Red Hair", "Black Hair"), choice("age_min", 3, 4, 5, 6),
          num("height_cm", 20, 90), num(WEIGHT, 0.2, 8.0, 2)),
         ("type", "outfit", "hair"), (("height_cm", "a height of {v} cm"),),
         "The {short} {type} is ready for endless games of make-believe.", CLOSE_TOYS,
         "details,durability,clothes,size"),
    _sub(T, "Building Sets", "Building Set", False, (9.0, 199.0), "City,Cosmos,Castle,Motors,Robotics", GENS,
         (choice("pieces", 120, 250, 500, 800, 1200, 2000, unit=" Pieces"),
          choice("theme", "City", "Space", "Castle", "Vehicles", "Robots"), AGE, num(WEIGHT, 0.2, 3.0, 2)),
         ("pieces", "theme"), (("pieces", "{v} pieces"),),
         "The {short} {theme} building set rewards patient builders.", CLOSE_TOYS, "instructions,pieces,model,box"),
    _sub(T, "Outdoor Toys", "", False, (9.0, 399.0), "Splash,Soar,Zoom,Bounce", GENS,
         (choice("type", "Water Blaster", "Kite", "Scooter", "Trampoline", "Swing Set"), SPORT_COLORS, AGE,
          num(WEIGHT, 0.2, 40.0, 1)),
         ("type", "color"), (("age_min", "a recommended age of {v}+"),),
         "The {short} {type} gets kids outside and moving.", CLOSE_TOYS, "durability,assembly,fun,size",
         by_type={"Water Blaster": kg(0.2, 1.2),
                  "Kite": kg(0.2, 0.6),
                  "Scooter": kg(2.5, 6.0),
                  "Trampoline": kg(15.0, 40.0, 1),
                  "Swing Set": kg(10.0, 35.0, 1)}),
)
