// The ciphers and versions commands.
package main

import (
	"fmt"
	"strings"

	"github.com/erlang-ssl-go/ssl"
)

func runCiphers(args []string) error {
	kind := "erlang"
	if len(args) > 0 {
		kind = args[0]
	}
	list, err := ssl.CipherSuites(kind)
	if err != nil {
		return err
	}
	for _, s := range list {
		fmt.Println(s)
	}
	return nil
}

func runVersions(args []string) error {
	v := ssl.Versions()
	names := func(vs []ssl.Version) string {
		var s []string
		for _, x := range vs {
			s = append(s, x.String())
		}
		return strings.Join(s, ",")
	}
	fmt.Printf("app_vsn %s\nsupported %s\navailable %s\n", v.AppVsn, names(v.Supported), names(v.Available))
	return nil
}
