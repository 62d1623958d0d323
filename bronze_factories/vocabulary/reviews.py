"""Reviews: title and text agree with the rating."""

from __future__ import annotations

RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (0.05, 0.07, 0.13, 0.30, 0.45)  # mean 4.03
REVIEW_TITLES = {
    1: ("Very disappointed", "Do not buy", "Broke after a week", "Waste of money"),
    2: ("Not great", "Below expectations", "Meh, would not reorder", "Poor quality"),
    3: ("It's okay", "Average product", "Does the job", "Mixed feelings"),
    4: ("Very good", "Happy with it", "Solid purchase", "Would recommend"),
    5: ("Excellent!", "Love it", "Perfect, exactly as described", "Best purchase this year"),
}
REVIEW_SENTENCES = {
    1: ("The {p} stopped working almost immediately.", "Quality is far below what the photos suggest.",
        "I asked for a refund.", "Customer service never answered."),
    2: ("The {p} feels cheap for the price.", "It works, but only just.",
        "Sizing and finish were not as described.", "I expected much better."),
    3: ("The {p} is fine for everyday use.", "Nothing special, nothing terrible.",
        "Delivery was on time.", "Good enough for the price."),
    4: ("The {p} works well and looks good.", "Good value for money.",
        "Arrived quickly and well packed.", "A few small flaws, but I like it."),
    5: ("The {p} is fantastic, I use it every day.", "Outstanding quality for the price.",
        "Exceeded my expectations in every way.", "Already ordered another one as a gift."),
}
