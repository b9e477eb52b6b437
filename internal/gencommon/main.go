// Command gencommon writes common_passwords.txt, the list of passwords that
// the password policy refuses. It is our own list, built from the words,
// names, places and number patterns people in the Gulf and Egypt (and
// everywhere) most often put in passwords, combined the way breach corpora
// show they are combined. Only candidates of at least 12 characters are kept,
// because shorter ones are refused by length anyway.
//
// Run: go run ./internal/gencommon > common_passwords.txt
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

var words = []string{
	"password", "passw0rd", "p@ssword", "p@ssw0rd", "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbnm",
	"iloveyou", "welcome", "admin", "administrator", "letmein", "monkey", "dragon", "master", "sunshine",
	"princess", "football", "baseball", "superman", "batman", "starwars", "whatever", "trustno1", "shadow",
	"michael", "jennifer", "computer", "internet", "secret", "changeme", "default", "login", "access",
	"mohammed", "muhammad", "mohamed", "mohammad", "ahmed", "ahmad", "ali", "omar", "abdullah", "abdallah",
	"khalid", "khaled", "fahad", "faisal", "sultan", "saud", "salman", "nasser", "hassan", "hussein",
	"youssef", "yousef", "ibrahim", "mahmoud", "mostafa", "mustafa", "fatima", "aisha", "mariam", "maryam",
	"nora", "noura", "sara", "sarah", "layla", "laila", "huda", "reem", "hala", "amal",
	"allah", "allahakbar", "bismillah", "alhamdulillah", "subhanallah", "mashallah", "inshallah", "islam",
	"makkah", "mecca", "madinah", "medina", "riyadh", "jeddah", "dammam", "khobar", "taif", "abha",
	"dubai", "abudhabi", "sharjah", "doha", "qatar", "kuwait", "bahrain", "muscat", "oman",
	"cairo", "egypt", "alexandria", "giza", "saudi", "saudiarabia", "ksa", "arabia", "emirates", "uae",
	"alhilal", "hilal", "alnassr", "nassr", "alahli", "ahly", "ittihad", "zamalek", "barcelona", "realmadrid",
	"liverpool", "chelsea", "arsenal", "manchester", "messi", "ronaldo", "cristiano",
	"jihat", "government", "ministry", "company", "student", "teacher", "doctor", "engineer",
	"love", "lover", "myname", "mylove", "mybaby", "family", "friends", "summer", "winter", "spring",
	"hello", "helloworld", "welcome1", "qazwsx", "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "abc", "abcd", "abcdef",
}

var suffixes = []string{
	"", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890",
	"!", "@", "#", "1!", "123!", "@123", "@1234", "#123", "!@#", "!@#$", "@@", "00", "000", "007", "111", "786",
	"2000", "2001", "2010", "2015", "2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027",
	"1990", "1995", "1999", "1980", "1985", "1440", "1445", "1446", "1447", "1448", "966", "0500",
}

func main() {
	set := map[string]bool{}
	add := func(s string) {
		s = strings.ToLower(s)
		if len([]rune(s)) >= 12 {
			set[s] = true
		}
	}
	for _, w := range words {
		for _, s := range suffixes {
			add(w + s)
			add(s + w)
			add(w + w + s)
		}
	}
	// Digit runs, repeats and keyboard walks.
	for d := '0'; d <= '9'; d++ {
		for n := 12; n <= 20; n++ {
			add(strings.Repeat(string(d), n))
		}
	}
	seqs := []string{"1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz",
		"1q2w3e4r5t6y7u8i9o0p", "qazwsxedcrfvtgbyhnujmikolp", "abc123abc123", "a1b2c3d4e5f6g7h8"}
	for _, s := range seqs {
		for n := 12; n <= len(s)*2 && n <= 26; n++ {
			add((s + s)[:n])
		}
	}
	for _, w := range []string{"123", "1234", "12345", "abc", "qwe", "asd", "zxc", "111", "777", "786", "000"} {
		for r := 2; r <= 6; r++ {
			add(strings.Repeat(w, r))
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	for _, s := range out {
		fmt.Println(s)
	}
	fmt.Fprintf(os.Stderr, "%d passwords\n", len(out))
}
