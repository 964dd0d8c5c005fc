"""Travel and participation scholarships: programs, applications, reviews, ranking, awards, exports."""
