package render

import "testing"

func TestRunning(t *testing.T) {
	var r Running
	if !r.Start("/a") || !r.Start("/b") {
		t.Fatal("first Start refused")
	}
	if r.Start("/a") {
		t.Error("a second rendering of /a started while one runs")
	}
	r.Finish("/a")
	if !r.Start("/a") {
		t.Error("/a refused after its rendering finished")
	}
	var none *Running // tracks nothing
	for range 2 {
		if !none.Start("/a") {
			t.Error("a nil Running refused a rendering")
		}
	}
	none.Finish("/a")
}
