package window

import "testing"

func TestPlace(t *testing.T) {
	fullHD := []Screen{{Width: 1920, Height: 1080}}
	tests := []struct {
		name    string
		saved   Rect
		screens []Screen
		want    Placement
	}{
		{"never saved", Rect{}, fullHD, Placement{}},
		{"fits wholly", Rect{X: 100, Y: 50, Width: 1280, Height: 860}, fullHD, Placement{Size: true, Position: true}},
		{"at the origin, screen-sized", Rect{X: 0, Y: 0, Width: 1920, Height: 1080}, fullHD, Placement{Size: true, Position: true}},
		{"off screen", Rect{X: 3000, Y: 200, Width: 1280, Height: 860}, fullHD, Placement{Size: true}},
		{"negative position", Rect{X: -500, Y: -10, Width: 1280, Height: 860}, fullHD, Placement{Size: true}},
		{"partly off to the right", Rect{X: 1000, Y: 100, Width: 1280, Height: 860}, fullHD, Placement{Size: true}},
		{"partly off the bottom", Rect{X: 0, Y: 400, Width: 1280, Height: 860}, fullHD, Placement{Size: true}},
		{"screen smaller now", Rect{X: 0, Y: 0, Width: 2400, Height: 1300}, fullHD, Placement{}},
		{"screen smaller now, maximised", Rect{Width: 2400, Height: 1300, Maximised: true}, fullHD, Placement{Maximise: true}},
		{"maximised", Rect{X: 0, Y: 0, Width: 1920, Height: 1080, Maximised: true}, fullHD, Placement{Size: true, Position: true, Maximise: true}},
		{"maximised but size never saved", Rect{Maximised: true}, fullHD, Placement{Maximise: true}},
		{"below the minimum size", Rect{X: 10, Y: 10, Width: 300, Height: 200}, fullHD, Placement{}},
		{"no screens known", Rect{X: 10, Y: 10, Width: 1280, Height: 860, Maximised: true}, nil, Placement{}},
		{"zero-sized screen ignored", Rect{X: 10, Y: 10, Width: 1280, Height: 860}, []Screen{{}}, Placement{}},
		{"second, larger screen", Rect{X: 0, Y: 0, Width: 2400, Height: 1300},
			[]Screen{{Width: 1920, Height: 1080}, {Width: 2560, Height: 1440}}, Placement{Size: true, Position: true}},
		{"on a screen placed to the right", Rect{X: 2000, Y: 100, Width: 1280, Height: 860},
			[]Screen{{Width: 1920, Height: 1080}, {Left: 1920, Width: 1920, Height: 1080}}, Placement{Size: true, Position: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Place(tt.saved, tt.screens); got != tt.want {
				t.Fatalf("Place(%+v, %+v) = %+v, want %+v", tt.saved, tt.screens, got, tt.want)
			}
		})
	}
}
