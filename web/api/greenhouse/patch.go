package greenhouse

import (
	"context"
	"errors"
	"net/http"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Patcher delivers Greenhouse's callbacks: "PATCH - Mark Test as
// Completed" to the URL send_test gave, authenticated as Greenhouse's own
// requests are (HTTP Basic, the key as the user name), with no body. It
// goes through the callback deliveries, so it is retried, SSRF-guarded and
// listed on the deliveries page like every callback.
type Patcher struct {
	DB     *store.DB
	Sealer apihttp.Sealer
}

// errNoCredential is a PATCH with no credential kept to send it with.
var errNoCredential = errors.New("no Greenhouse credential is kept: make Greenhouse's key in Settings → Integrations")

// Request is the PATCH of one delivery.
func (p Patcher) Request(ctx context.Context, d store.Delivery) (*http.Request, error) {
	a, err := p.DB.ATSIntegration(ctx, store.ATSGreenhouse)
	if err != nil {
		return nil, err
	}
	if a.Credential == "" {
		return nil, errNoCredential
	}
	key, err := p.Sealer.Open(a.Credential)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, d.URL, nil)
	if err != nil {
		return nil, errors.New("bad URL: " + err.Error())
	}
	req.SetBasicAuth(key, "")
	req.Header.Set("User-Agent", "Testgate-Greenhouse/1")
	return req, nil
}

// Check: Greenhouse's answer is its status code alone.
func (Patcher) Check(int, []byte) error { return nil }
