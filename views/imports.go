package views

import "testgate/store"

// Row kinds of an import's check.
const (
	ImportRowValid     = "valid"
	ImportRowInvalid   = "invalid"
	ImportRowDuplicate = "duplicate"
	ImportRowInvited   = "invited"
)

// ImportForm is the bulk invite page of a link: the form, the check's
// result once asked for, and the link's recent imports.
type ImportForm struct {
	Link      store.TestLink
	Test      store.Test
	Pasted    string
	SendEmail bool
	Problem   string
	Check     *ImportCheck
	Recent    []store.Import
}

// ImportCheck is the dry run of an import: what each row would come to.
type ImportCheck struct {
	Total, Valid, Invalid, Duplicate, Invited int
	Rows                                      []ImportCheckRow // those shown: problems first, each kind in file order
	Hidden                                    int              // rows left out of the table
	HiddenProblems                            int              // of which rows with a problem
}

// Problems is how many rows would not be invited.
func (c ImportCheck) Problems() int { return c.Invalid + c.Duplicate + c.Invited }

// ImportCheckRow is one row of the check.
type ImportCheckRow struct {
	Line   int
	Name   string
	Email  string
	Kind   string
	Reason string
}

// ImportView is an import job's page.
type ImportView struct {
	Import store.Import
	Link   store.TestLink
	Test   store.Test
}

func importKindLabel(kind string) string {
	switch kind {
	case ImportRowValid:
		return "Will be invited"
	case ImportRowInvalid:
		return "Invalid"
	case ImportRowDuplicate:
		return "Duplicate in the file"
	case ImportRowInvited:
		return "Already invited"
	}
	return kind
}

func importKindClass(kind string) string {
	switch kind {
	case ImportRowValid:
		return "badge on"
	case ImportRowInvited:
		return "badge"
	}
	return "badge off"
}

func importStatusLabel(im store.Import) string {
	switch im.Status {
	case store.ImportQueued:
		return "Waiting to start"
	case store.ImportRunning:
		return "Importing"
	case store.ImportDone:
		return "Finished"
	case store.ImportFailed:
		return "Stopped"
	}
	return im.Status
}
