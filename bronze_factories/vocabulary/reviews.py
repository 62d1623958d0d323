"""Reviews: titles and sentence parts per rating, composed into texts that agree with the rating.

A text is an opener about the product, zero to three sentences about aspects of this kind of
product (battery, fit, story...), sometimes a word on delivery and a closing line: a few words to
several sentences. Parts are written for the product's grammatical number ("this lamp is", "these
boots are") and the aspect's ("the battery is", "the recipes are"). Every part of a 4-5 star text
avoids :data:`NEGATIVE_MARKERS` and every part of a 1-2 star text avoids :data:`POSITIVE_MARKERS`,
which is how the validator reads a text's tone.
"""

from __future__ import annotations

import random

RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (0.05, 0.07, 0.13, 0.30, 0.45)  # mean 4.03
REVIEW_TITLES = {
    1: ("Very disappointed", "Do not buy", "Complete letdown", "Waste of money", "Terrible quality", "Avoid",
        "Not as described", "One star is too many"),
    2: ("Not great", "Below expectations", "Meh, would not reorder", "Poor quality", "Could be much better",
        "Not worth the price", "Underwhelming"),
    3: ("It's okay", "Average product", "Does the job", "Mixed feelings", "Decent for the price", "Nothing special",
        "Fine, not amazing"),
    4: ("Very good", "Happy with it", "Solid purchase", "Would recommend", "Good value", "Pleasantly surprised",
        "Nearly perfect"),
    5: ("Excellent!", "Love it", "Perfect, exactly as described", "Best purchase this year", "Outstanding",
        "Five stars", "Exceeded my expectations", "Absolutely love it"),
}
#: Substrings that only negative (1-2 star) texts contain, and only positive (4-5 star) ones.
NEGATIVE_MARKERS = ("disappoint", "waste of money", "awful", "terrible", "refund", "do not buy", "worst", "avoid",
                    "let me down", "returning")
POSITIVE_MARKERS = ("i love", "really love", "excellent", "outstanding", "highly recommend", "perfect", "impressed",
                    "happy with", "would recommend")

# Fields: {ref} "this lamp" / "these boots" / "the Sonique Nova 5 Smartphone", {Ref} capitalised,
# {is} {was} {has} {does} agree with the product, {obj} it/them, {subj} it/they.
OPENERS = {
    5: ("I absolutely love {ref}.", "{Ref} {is} everything I hoped for.", "Best purchase I've made this year.",
        "Couldn't be happier with {ref}.", "{Ref} {is} simply excellent.", "Five stars for {ref}.",
        "Really impressed with {ref}.", "I love {ref} and use {obj} all the time."),
    4: ("Really happy with {ref}.", "{Ref} {is} very good overall.", "Solid choice overall.",
        "{Ref} {does} the job well.", "Good buy, I'd recommend {obj}.", "Pleasantly surprised by {ref}.",
        "{Ref} {is} good value for the money."),
    3: ("{Ref} {is} okay, nothing more.", "Mixed feelings about {ref}.", "{Ref} {is} decent for the price.",
        "Average at best.", "It's fine, but I expected a bit more from {ref}.", "Not bad, not great.",
        "{Ref} {does} what {subj} should, no more."),
    2: ("Disappointed with {ref}.", "{Ref} {is} below what I expected.", "I wanted to like {ref}, but no.",
        "Not worth the money.", "{Ref} {has} some real problems.", "{Ref} {was} a letdown."),
    1: ("Terrible, avoid {ref}.", "{Ref} {was} a complete waste of money.", "Very disappointed with {ref}.",
        "Do not buy {ref}.", "Worst purchase I've made in a long time.", "{Ref} let me down badly."),
}
# Fields: {aspect}, {a_is} is/are, {a_was} was/were.
ASPECTS = {
    5: ("The {aspect} {a_is} outstanding.", "The {aspect} {a_is} even better than described.",
        "Really love the {aspect}.", "The {aspect} {a_is} perfect for me.", "Top marks for the {aspect}.",
        "The {aspect} {a_is} excellent."),
    4: ("The {aspect} {a_is} very good.", "The {aspect} {a_is} better than I expected.", "Happy with the {aspect}.",
        "The {aspect} could be a little better, but it's fine.", "No complaints about the {aspect}.",
        "The {aspect} {a_is} solid."),
    3: ("The {aspect} {a_is} just average.", "The {aspect} {a_is} okay.", "The {aspect} could be better.",
        "The {aspect} {a_is} fine, nothing special.", "The {aspect} {a_is} so-so."),
    2: ("The {aspect} {a_is} disappointing.", "The {aspect} {a_is} not as good as described.",
        "I had issues with the {aspect}.", "The {aspect} {a_is} noticeably worse than I expected.",
        "The {aspect} {a_is} poor."),
    1: ("The {aspect} {a_is} awful.", "The {aspect} {a_was} a problem from day one.",
        "The {aspect} {a_is} nothing like the description.", "Terrible {aspect}.", "The {aspect} {a_is} a joke."),
}
# Fields: {n} a number of days.
DELIVERY = {
    "good": ("Arrived in {n} days, well packed.", "Delivery was quick.", "Shipping took {n} days, no issues.",
             "Arrived a day early."),
    "fair": ("Delivery took {n} days.", "Packaging was basic but fine.", "Shipping was on the slow side."),
    "bad": ("Delivery took {n} days, longer than promised.", "The box arrived damaged.",
            "Customer service was slow to reply."),
}
CLOSERS = {
    5: ("Would buy again.", "Highly recommend.", "Already telling my friends about {obj}.", "Worth every penny."),
    4: ("Would recommend.", "Happy overall.", "Would buy again.", "Good value."),
    3: ("Might look elsewhere next time.", "It'll do for now.", "Okay for the price."),
    2: ("Probably won't order again.", "Thinking about sending {obj} back.", "Not for me."),
    1: ("Returning {obj}.", "Asked for a refund.", "Stay away."),
}
#: Aspect sentences per review: 0..3 (a few words to several sentences).
ASPECT_COUNT_WEIGHTS = (0.25, 0.35, 0.25, 0.15)
DELIVERY_SHARE = 0.35
CLOSER_SHARE = 0.5


def _plural(noun: str) -> bool:
    words = noun.lower().split()
    last = words[-1] if words else ""
    return last.endswith("s") and not last.endswith(("ss", "lens", "us"))


def compose_review(noun: str, head: str, aspects: tuple[str, ...], rating: int, r: random.Random) -> str:
    """A review text for a product called ``head`` (a ``noun``), in the tone of ``rating``."""
    many = _plural(noun)
    ref = r.choice((f"{'these' if many else 'this'} {noun.lower()}", f"the {head}")) if noun else f"the {head}"
    if noun == "book":
        ref = r.choice(("this book", head))
    fields = {"ref": ref, "Ref": ref[0].upper() + ref[1:], "is": "are" if many else "is",
              "was": "were" if many else "was", "has": "have" if many else "has", "does": "do" if many else "does",
              "obj": "them" if many else "it", "subj": "they" if many else "it"}
    parts = [r.choice(OPENERS[rating]).format(**fields)]
    count = r.choices(range(len(ASPECT_COUNT_WEIGHTS)), ASPECT_COUNT_WEIGHTS)[0]
    for aspect in r.sample(aspects, min(count, len(aspects))):
        a_many = _plural(aspect)
        parts.append(r.choice(ASPECTS[rating]).format(aspect=aspect, a_is="are" if a_many else "is",
                                                      a_was="were" if a_many else "was"))
    if r.random() < DELIVERY_SHARE:
        tone = "good" if rating >= 4 else "fair" if rating == 3 else "bad"
        parts.append(r.choice(DELIVERY[tone]).format(n=r.randint(2, 9)))
    if r.random() < CLOSER_SHARE:
        parts.append(r.choice(CLOSERS[rating]).format(**fields))
    return " ".join(p[0].upper() + p[1:] for p in parts)
