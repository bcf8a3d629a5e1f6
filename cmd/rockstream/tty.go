package main

import "os"

// isTerminal reports whether f is an interactive terminal (a character
// device), checked once per process by run.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
