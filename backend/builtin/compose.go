package builtin

import (
	"math/rand/v2"
	"strings"

	"github.com/rockstream/rockstream"
)

// disclosure opens every composed answer, so nobody mistakes the builtin
// model's text for a real model's.
const disclosure = "This answer comes from rockstream's local runtime, a small built-in model running on this machine; no AWS account or Amazon Bedrock call was involved."

// composer writes answers from a prompt, choosing among phrasings with a
// seeded generator so the same seed always writes the same words.
type composer struct {
	rng *rand.Rand
}

func (c composer) pick(options ...string) string { return options[c.rng.IntN(len(options))] }

// answer is the builtin model's text for req.
func (c composer) answer(req *rockstream.Request) string {
	var sb strings.Builder
	sb.WriteString(disclosure)
	if sys := strings.TrimSpace(strings.Join(req.System, " ")); sys != "" {
		sb.WriteString(" Following your system prompt (\"" + clip(sys, 12) + "\"), I have kept to its instructions.")
	}
	prompt := promptOf(req)
	switch tr, ok := toolResultOf(req); {
	case ok:
		sb.WriteString("\n\n" + c.afterTool(tr))
	case prompt == "":
		sb.WriteString("\n\nYou sent no question, so here is a greeting instead: hello! Ask me anything and I will answer with a short, deterministic reply.")
	case isStoryPrompt(prompt):
		sb.WriteString("\n\n" + c.story(subjectOf(prompt)))
	default:
		sb.WriteString("\n\n" + c.reply(prompt, subjectOf(prompt)))
	}
	return sb.String()
}

var (
	places = []string{
		"a quiet village at the edge of a pine forest", "a busy harbour town where gulls argued over breakfast",
		"a little house with a red door at the end of Willow Lane", "a valley where the river bent around an old stone mill",
		"a city rooftop garden high above the evening traffic",
	}
	names = []string{
		"Biscuit", "Maple", "Juniper", "Pip", "Clover", "Pepper", "Otis", "Hazel", "Bramble", "Nova", "Scout", "Willow",
	}
	objects = []string{
		"a faded blue ball", "a map drawn in crayon", "a brass key on a green ribbon", "a lantern that hummed softly",
		"a paper boat with a name written on its sail",
	}
	weathers = []string{
		"the first snow of the year drifted down", "a warm wind carried the smell of rain", "the autumn leaves turned gold and copper",
		"the morning fog rolled in from the hills",
	}
)

// story writes a short tale of a few hundred words about subject.
func (c composer) story(subject string) string {
	hero := heroOf(subject)
	first := names[c.rng.IntN(len(names))]
	second := names[(c.rng.IntN(len(names)-1)+1+indexOf(names, first))%len(names)]
	called := first
	if plural(hero) {
		called = first + " and " + second
	}
	place, object, weather := c.pick(places...), c.pick(objects...), c.pick(weathers...)
	paragraphs := []string{
		"Here is a story about " + subject + ".",
		"Once upon a time, in " + place + ", there lived " + hero + ". Everyone called them " + called + ". " +
			c.pick("They were curious about everything, from the sound of the kettle to the shape of the clouds.",
				"They liked mornings best, when the world still smelled new and nobody else was awake.",
				"They were small, but their plans were always enormous."),
		"One day, as " + weather + ", " + first + " found " + object + " hidden under a bush. " +
			c.pick("Nobody knew where it had come from, and that made it the most interesting thing in the world.",
				"It was clearly a clue, although to what, nobody could say.",
				"It did not belong to anyone they knew, so of course it had to be returned."),
		c.pick("They asked the baker, who only laughed and offered them a crust of warm bread.",
			"They asked the old cat on the wall, who blinked slowly and said nothing at all.",
			"They asked the postman, who scratched his head and promised to keep an eye out.") + " " +
			"So they set off on their own, following the path past the fences and the gardens, " +
			c.pick("stopping only to sniff at interesting corners.", "counting the lampposts as they went.", "taking turns to carry their treasure."),
		"The way was longer than they expected. " +
			c.pick("A puddle turned out to be deeper than it looked, and they arrived on the other side soaked and laughing.",
				"A gate that was always open had been shut, and it took all their cleverness to find a gap in the hedge.",
				"A sudden gust of wind snatched the treasure away, and they chased it across three fields before it landed in a hayfield.") +
			" Still, they did not give up, because " + called + " never gave up on anything that mattered.",
		"At last, near sunset, they reached " + c.pick("a small cottage with a lamp in the window", "the old lighthouse on the point", "a bench beside the duck pond") +
			", where a child sat looking sad. The moment the child saw " + object + ", a smile spread across their face. " +
			"It had been lost for days, and everyone had stopped searching except the child, who had kept hoping.",
		c.pick("That evening they were given a bowl of something delicious and a blanket by the fire.",
			"That evening the child walked them home, and the three of them talked all the way.",
			"That evening they fell asleep in a heap, tired in the way that only a good adventure makes you.") +
			" And from then on, whenever anything went missing in the neighbourhood, people knew exactly whom to ask.",
		"The end. " + c.pick("Ask again with a different seed or temperature for another version of this tale.",
			"This story was put together from your words and a small phrase bank, so it will be the same every time you ask at temperature 0."),
	}
	return strings.Join(paragraphs, "\n\n")
}

// reply writes a short explanatory answer for a prompt that is not a story.
func (c composer) reply(prompt, subject string) string {
	kw := keywords(prompt)
	focus := subject
	if len(kw) > 0 {
		focus = strings.Join(kw[:min(3, len(kw))], ", ")
	}
	return "You asked about " + subject + ". " +
		c.pick("A good way to approach it is to start from what it is for, then look at how it works, and finally at where it fits among the things around it.",
			"It helps to break the question into three parts: what it is, how it behaves, and why it matters to you.",
			"The short version is that it depends on the context, so here is how I would think it through.") +
		"\n\nThe key words in your question were " + focus + ". " +
		c.pick("Each of them points at a part of the answer worth checking in a reliable source.",
			"A real model would weigh each of them against what it learned in training.",
			"Together they outline what a complete answer would need to cover.") +
		" The builtin model does not know facts about the world; it writes a plausible, repeatable reply so that you can see how an answer streams in, token by token." +
		"\n\nTo get a real answer, run rockstream with AWS credentials and access to a model on Amazon Bedrock, or point the server at another backend."
}

// afterTool writes the answer that follows a tool result.
func (c composer) afterTool(result rockstream.Block) string {
	text := toolResultText(result)
	if text == "" {
		text = "nothing"
	}
	s := "The tool returned: " + clip(text, 40) + " "
	if result.IsError {
		return s + "That is an error, so I could not complete the task; please check the tool's input and try again."
	}
	return s + c.pick("Based on that result, the task is done.", "That answers the question.", "I used that result to finish the answer.")
}

// preface is the short text a model writes before calling a tool.
func (c composer) preface(tool rockstream.Tool) string {
	return disclosure + " " + c.pick("I'll use the "+tool.Name+" tool for this.", "Let me call the "+tool.Name+" tool to help with that.")
}

// reasoning is the short visible reasoning for requests that ask for it.
func (c composer) reasoning(req *rockstream.Request) string {
	prompt := promptOf(req)
	s := "The user asks about " + subjectOf(prompt) + "."
	if len(req.System) > 0 {
		s += " The system prompt sets the rules, so I will follow it."
	}
	if len(req.Tools) > 0 {
		s += " Tools are available; I will call one if it fits the request."
	}
	return s + " I should say plainly that this answer comes from rockstream's local runtime, then keep the answer clear and short."
}

func plural(hero string) bool {
	w := strings.Fields(strings.ToLower(hero))
	if len(w) == 0 {
		return false
	}
	switch w[0] {
	case "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "some", "many", "several", "a few", "twin", "both":
		return true
	}
	last := w[len(w)-1]
	return strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss")
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
