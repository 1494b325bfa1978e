package testinvite

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// Testinvite's list calls page alike: ?limit= (10 by default) and ?page=
// (from 1), answered with a pagination object whose next and previous are
// the query of that page, as the guide writes it: "?limit=5&page=3&mode=basic".

type pagination struct {
	TotalItems  int     `json:"totalItems"`
	TotalPages  int     `json:"totalPages"`
	CurrentPage int     `json:"currentPage"`
	Limit       int     `json:"limit"`
	Next        *string `json:"next"`
	Previous    *string `json:"previous"`
}

// pageRequest is a list call's page and the filters it carries on.
type pageRequest struct {
	Limit, Page int
	Mode        string
	filters     url.Values
}

// readPage reads ?limit, ?page and ?mode, and keeps the named filters for
// the next and previous queries.
func readPage(c echo.Context, filters ...string) (pageRequest, error) {
	mode, err := testinviteMode(c)
	if err != nil {
		return pageRequest{}, err
	}
	r := pageRequest{Limit: 10, Page: 1, Mode: mode, filters: url.Values{}}
	fe := store.FieldErrors{}
	if v := c.QueryParam("limit"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > store.MaxPageSize {
			fe["limit"] = fmt.Sprintf("must be between 1 and %d", store.MaxPageSize)
		} else {
			r.Limit = n
		}
	}
	if v := c.QueryParam("page"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			fe["page"] = "must be a positive whole number"
		} else {
			r.Page = n
		}
	}
	if len(fe) > 0 {
		return pageRequest{}, fe
	}
	q := c.QueryParams()
	for _, k := range filters {
		if v, ok := q[k]; ok {
			r.filters[k] = v
		}
	}
	return r, nil
}

// of is the pagination object of a page of total items.
func (r pageRequest) of(total int) pagination {
	pages := (total + r.Limit - 1) / r.Limit
	query := func(n int) *string {
		if n < 1 || n > pages {
			return nil
		}
		u := fmt.Sprintf("?limit=%d&page=%d&mode=%s", r.Limit, n, r.Mode)
		if len(r.filters) > 0 {
			u += "&" + r.filters.Encode()
		}
		return &u
	}
	return pagination{total, pages, r.Page, r.Limit, query(r.Page + 1), query(r.Page - 1)}
}
