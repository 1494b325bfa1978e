package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// consoleClient is an admin in the console of a running binary, as a
// browser without JavaScript is: cookies, and each form's CSRF token read
// from the page it is on.
type consoleClient struct {
	t      *testing.T
	base   string
	client *http.Client
}

var csrfToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// newAdminConsole runs the first-run setup of a fresh binary and stays
// signed in as its admin.
func newAdminConsole(t *testing.T, base string) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleClient{t: t, base: base, client: &http.Client{Timeout: 10 * time.Second, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if code, _ := c.post("/setup", "/setup", url.Values{"email": {"admin@example.com"}, "password": {"admin password"}}); code != http.StatusSeeOther {
		t.Fatalf("setup: %d", code)
	}
	return c
}

// get is a page's status and HTML.
func (c *consoleClient) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.client.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// post submits a form of page to action.
func (c *consoleClient) post(page, action string, values url.Values) (int, string) {
	c.t.Helper()
	_, html := c.get(page)
	m := csrfToken.FindStringSubmatch(html)
	if m == nil {
		c.t.Fatalf("no form on %s", page)
	}
	values.Set("_csrf", m[1])
	resp, err := c.client.PostForm(c.base+action, values)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
