package main

// suggestCommand returns the subcommand a lone word was probably meant to
// be ("modles" → "models"), or "". Only a single word one edit (a swap of
// neighbours included) from a command name counts, so a real one-word
// prompt such as "hello" still goes to the model.
func suggestCommand(args []string) string {
	if len(args) != 1 {
		return ""
	}
	word := args[0]
	if len(word) < 3 || len(word) > 12 {
		return ""
	}
	for _, name := range commandNames() {
		if editDistance(word, name) != 1 {
			continue
		}
		// A short name is one edit away from many words ("what", "chat"):
		// it must at least start like the command.
		if len(name) <= 4 && word[0] != name[0] {
			continue
		}
		return name
	}
	return ""
}

// commandNames are the words run treats as subcommands.
func commandNames() []string {
	names := []string{"help"}
	for _, cmd := range commands() {
		names = append(names, cmd.name)
	}
	return names
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment) between a and b, counting a swap of neighbours as one edit.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
