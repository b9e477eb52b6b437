package jihat

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestCatalogueTexts checks every entry of the catalogue: an Arabic text with
// Arabic letters, an English text without them, and the same formatting
// verbs in both, so a message renders in either language.
func TestCatalogueTexts(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	for _, m := range catalogues {

		for key, tx := range m {
			if !strings.ContainsFunc(tx.ar, isArabic) {
				t.Errorf("%s: Arabic text %q has no Arabic letters", key, tx.ar)
			}
			if strings.TrimSpace(tx.en) == "" || strings.ContainsFunc(tx.en, isArabic) {
				t.Errorf("%s: English text %q is empty or not English", key, tx.en)
			}
			if a, e := verbs.FindAllString(tx.ar, -1), verbs.FindAllString(tx.en, -1); !slices.Equal(a, e) {
				t.Errorf("%s: formatting verbs differ: ar %v, en %v", key, a, e)
			}
		}
	}
	seen := map[string]int{}
	for i, m := range catalogues {
		for key := range m {
			if j, dup := seen[key]; dup {
				t.Errorf("%s is in catalogues %d and %d", key, j, i)
			}
			seen[key] = i
		}
	}
}

func isArabic(r rune) bool { return unicode.Is(unicode.Arabic, r) }

// TestMessageKeysExist reads the code of the root package, store and server
// and checks that every message key it passes to an error or a message has a
// text (HasMessage). Keys are found where the code names them: Errorf(code,
// "key"), Message(lang, "key"), Key: "key", field maps (Fields:
// map[string]string{field: "key"}, Invalid(map…), e.Fields = map…,
// fields[f] = "key") and fail("key").
func TestMessageKeysExist(t *testing.T) {
	keys := map[string]token.Position{}
	fset := token.NewFileSet()
	for _, dir := range []string{".", "store", "server"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			collectKeys(fset, f, keys)
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d message keys in the code; the scanner is broken", len(keys))
	}
	for _, want := range []string{"invalid_national_id", "password_too_short", "identifier_taken", "department_not_in_entity", "too_large"} {
		if _, ok := keys[want]; !ok {
			t.Errorf("scanner missed the key %q", want)
		}
	}
	for key, pos := range keys {
		if !HasMessage(key) {
			t.Errorf("%s: message key %q has no text in the catalogue", pos, key)
		}
	}
}

func collectKeys(fset *token.FileSet, f *ast.File, keys map[string]token.Position) {
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
				keys[s] = fset.Position(lit.Pos())
			}
		}
	}
	// addFields adds the values of a field map literal (field → key).
	addFields := func(e ast.Expr) {
		if m, ok := e.(*ast.CompositeLit); ok && isStringMap(m.Type) {
			for _, el := range m.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					add(kv.Value)
				}
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch name := funcName(n.Fun); {
			case (name == "Errorf" || name == "Message") && len(n.Args) >= 2 && !isFmt(n.Fun):
				add(n.Args[1])
			case name == "fail" && len(n.Args) >= 1:
				add(n.Args[0])
			case name == "Invalid" && len(n.Args) == 1:
				addFields(n.Args[0])
			}
		case *ast.KeyValueExpr:
			if isIdent(n.Key, "Key") {
				add(n.Value)
			}
			if isIdent(n.Key, "Fields") {
				addFields(n.Value)
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if i >= len(n.Rhs) {
					break
				}
				if ix, ok := lhs.(*ast.IndexExpr); ok && strings.EqualFold(funcName(ix.X), "fields") {
					add(n.Rhs[i]) // fields["x"] = "key"
				}
				if strings.EqualFold(funcName(lhs), "fields") {
					addFields(n.Rhs[i]) // e.Fields = map[string]string{...}
				}
			}
		}
		return true
	})
}

// funcName returns the last identifier of an expression: Errorf for
// jihat.Errorf, Fields for e.Fields.
func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

func isFmt(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && isIdent(sel.X, "fmt")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// isStringMap reports map[string]string, the type of Error.Fields.
func isStringMap(e ast.Expr) bool {
	m, ok := e.(*ast.MapType)
	return ok && isIdent(m.Key, "string") && isIdent(m.Value, "string")
}
