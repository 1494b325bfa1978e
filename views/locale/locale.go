// Package locale puts the candidate's pages and emails into their language.
// The messages are in catalog/<code>.json, embedded in the binary and read
// with go-i18n; plural forms follow CLDR; the language is negotiated with
// golang.org/x/text/language. The console stays in English.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"testgate/store"
)

//go:embed catalog/*.json
var catalogs embed.FS

// Codes are the languages candidates can have (store.Languages), English
// first: the fallback. Each has catalog/<code>.json.
var Codes = store.Languages

// Names are the languages as their speakers write them, for the menu.
var Names = map[string]string{
	"en": "English", "tr": "Türkçe", "es": "Español", "fr": "Français", "nl": "Nederlands", "it": "Italiano",
	"sr": "Српски", "sv": "Svenska", "de": "Deutsch", "no": "Norsk", "ru": "Русский", "pt": "Português",
}

var (
	bundle  = i18n.NewBundle(language.English)
	matcher language.Matcher
	tags    []language.Tag
)

func init() {
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, code := range Codes {
		if _, err := bundle.LoadMessageFileFS(catalogs, "catalog/"+code+".json"); err != nil {
			panic(fmt.Sprintf("locale: catalog %s: %v", code, err))
		}
		catalog, _ := catalogs.ReadFile("catalog/" + code + ".json")
		if err := loadWritten(code, catalog); err != nil {
			panic(fmt.Sprintf("locale: catalog %s: %v", code, err))
		}
		tags = append(tags, language.MustParse(code))
		speakers[code] = T{code: code, loc: i18n.NewLocalizer(bundle, code)}
	}
	matcher = language.NewMatcher(tags)
}

// Valid reports whether code is one of the candidates' languages.
func Valid(code string) bool {
	for _, c := range Codes {
		if c == code {
			return true
		}
	}
	return false
}

// Negotiate picks the language: the first of choices that is valid (the
// candidate's own choice, the invitation's, the link's), else the best
// match of the browser's Accept-Language, else English.
func Negotiate(acceptLanguage string, choices ...string) string {
	for _, c := range choices {
		if Valid(c) {
			return c
		}
	}
	if acceptLanguage != "" {
		if prefs, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(prefs) > 0 {
			if _, i, conf := matcher.Match(prefs...); conf != language.No {
				return Codes[i]
			}
		}
	}
	return "en"
}

// T speaks one language. Its zero value speaks English.
type T struct {
	code string
	loc  *i18n.Localizer
}

// speakers are made once: every candidate page and email asks for one.
var speakers = map[string]T{}

// For is the language of code; an unknown code is English.
func For(code string) T {
	if t, ok := speakers[code]; ok {
		return t
	}
	return speakers["en"]
}

// Lang is the language's code, for <html lang>.
func (t T) Lang() string {
	if t.code == "" {
		return "en"
	}
	return t.code
}

func (t T) localizer() *i18n.Localizer {
	if t.loc == nil {
		return speakers["en"].loc
	}
	return t.loc
}

// plain keeps the messages without placeholders once localized, by
// language and id: emails ask for the same few for every candidate.
var plain sync.Map

// S is a message without placeholders.
func (t T) S(id string) string {
	key := t.Lang() + "\x00" + id
	if s, ok := plain.Load(key); ok {
		return s.(string)
	}
	s := t.F(id, nil)
	if s != id { // a missing message is not kept: the catalog test catches it
		plain.Store(key, s)
	}
	return s
}

// F is a message filled in with data.
func (t T) F(id string, data map[string]any) string {
	if msg, ok := written[t.Lang()][id]; ok {
		return fill(msg, data)
	}
	s, err := t.localizer().Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id // a missing message shows its id; the catalog test keeps this from shipping
	}
	return s
}

// counted keeps the plural messages whose one placeholder is the count,
// by language, id and count: every landing page says its test's minutes.
var counted sync.Map

// maxCounted bounds the counts kept, so that the cache stays small.
const maxCounted = 1000

// N is a message in the plural form for n; data's Count is n.
func (t T) N(id string, n int, data map[string]any) string {
	keep := data == nil && n >= 0 && n < maxCounted
	key := t.Lang() + "\x00" + id + "\x00" + strconv.Itoa(n)
	if keep {
		if s, ok := counted.Load(key); ok {
			return s.(string)
		}
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = n
	s, err := t.localizer().Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data})
	if err != nil {
		return id
	}
	if keep {
		counted.Store(key, s)
	}
	return s
}

// Minutes is a duration in minutes: "1 minute", "5 минут".
func (t T) Minutes(n int) string { return t.N("Minutes", n, nil) }

// DateTime is a moment as the language writes it, in loc, its zone named.
func (t T) DateTime(at time.Time, loc *time.Location) string {
	return at.In(orUTC(loc)).Format(t.S("LayoutDateTime")) + " " + zone(at, loc)
}

// Time is the time of day as the language writes it, its zone named.
func (t T) Time(at time.Time, loc *time.Location) string {
	return at.In(orUTC(loc)).Format(t.S("LayoutTime")) + " " + zone(at, loc)
}

// TimeSeconds is Time with seconds.
func (t T) TimeSeconds(at time.Time, loc *time.Location) string {
	return at.In(orUTC(loc)).Format(t.S("LayoutTimeSeconds")) + " " + zone(at, loc)
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

func zone(at time.Time, loc *time.Location) string {
	name, _ := at.In(orUTC(loc)).Zone()
	return strings.TrimSpace(name)
}

// Catalog is a language's catalog file as embedded, for tests and tools.
func Catalog(code string) ([]byte, error) { return catalogs.ReadFile("catalog/" + code + ".json") }
