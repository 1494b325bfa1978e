package xobin

import (
	"log/slog"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Handler answers the xobin dialect's routes.
type Handler struct {
	db      *store.DB
	urls    apihttp.URLs
	reports apihttp.Reports
	log     *slog.Logger
}

// New makes the dialect's handler; a missing collaborator is an error.
func New(d apihttp.Deps, log *slog.Logger) (*Handler, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	return &Handler{db: d.DB, urls: d.URLs, reports: d.Reports, log: log}, nil
}
