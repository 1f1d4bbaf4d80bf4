"""关注 (issue 16 §3): a signed-in user follows up to 50 subjects with a public page and is told
when a public record about one appears or changes; a subject's bound agents are told of every
new record about it, with the dates from which they may object or apply for repair."""
