package web

import (
	"html/template"
	"net/http"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/delivery/dora"
)

func init() {
	teamPanels = append(teamPanels, teamPanel{
		Title:    "Delivery (DORA)",
		Template: "delivery",
		Load:     loadDelivery,
	})
}

// deliveryPanel is a team's five DORA metrics over the default window,
// drawn with the Delivery page's tiles.
type deliveryPanel struct {
	Team   string
	Window string
	Days   int
	// Tiles is empty when nothing was delivered in the window: the panel
	// is then a one-line hint.
	Tiles template.HTML
}

func loadDelivery(u *ui, r *http.Request, t catalog.Team) (any, error) {
	if u.dora == nil {
		return nil, nil
	}
	win, err := u.dora.Window("", "")
	if err != nil {
		return nil, err
	}
	rep, err := u.dora.Report(r.Context(), dora.Query{Team: t.Name, Window: win})
	if err != nil {
		return nil, err
	}
	data := &deliveryPanel{Team: t.Name, Window: windowText(rep.Window), Days: rep.Window.Days}
	if !reportHasData(rep) {
		return data, nil
	}
	view, err := newDoraView(rep, t.DisplayName)
	if err != nil {
		return nil, err
	}
	if data.Tiles, err = u.doraTiles(view); err != nil {
		return nil, err
	}
	return data, nil
}
