"""US English dates in full, as the clinic writes them: "December 3, 2026"."""

DATE_FORMAT = "F j, Y"
