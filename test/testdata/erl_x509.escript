#!/usr/bin/env escript
%% erl_x509.escript: the Erlang/OTP ssl side of the certificate tests
%% (test/x509_tls_test.go).
%%
%%   events CaFile Host Port [CertFile KeyFile]
%%       connects to Host:Port (TLS 1.2, verify_peer against CaFile, SNI and
%%       hostname check Host) with a verify_fun that accepts everything and
%%       prints one line per call, in order:
%%           "event CN Event"
%%       where CN is the certificate's subject common name and Event the
%%       event as ~0p prints it, extensions shortened to
%%       {extension,{Oid},Critical}. The fun answers {valid, S} to bad_cert,
%%       valid and valid_peer, and {unknown, S} to extension (so an unknown
%%       critical extension comes back as {bad_cert,unknown_critical_extension}).
%%       Ends with "result ok" or "result {error,Reason}".
-mode(compile).
%% Records are matched as tuples: public_key.hrl is not installed everywhere.

main(["events", Ca, Host, PortS | CertKey]) ->
    {ok, _} = application:ensure_all_started(ssl),
    Fun = fun(Cert, Event, N) ->
                  io:format("event ~s ~s~n", [cn(Cert), event(Event)]),
                  case Event of
                      {extension, _} -> {unknown, N + 1};
                      _ -> {valid, N + 1}
                  end
          end,
    Opts = [binary, {active, false}, {versions, ['tlsv1.2']},
            {verify, verify_peer}, {cacertfile, Ca},
            {server_name_indication, Host}, {verify_fun, {Fun, 0}}]
        ++ case CertKey of
               [C, K] -> [{certfile, C}, {keyfile, K}];
               [] -> []
           end,
    case ssl:connect(Host, list_to_integer(PortS), Opts, 20000) of
        {ok, S} ->
            io:format("result ok~n"),
            ssl:close(S);
        {error, R} ->
            io:format("result ~0p~n", [{error, R}])
    end,
    halt(0);
main(Args) ->
    io:format(standard_error, "bad arguments: ~p~n", [Args]),
    halt(2).

%% event prints a verify_fun event; an extension as its OID and criticality.
event({extension, {'Extension', Id, Crit, _Value}}) ->
    io_lib:format("{extension,~0p,~0p}", [Id, Crit]);
event(E) ->
    io_lib:format("~0p", [E]).

%% cn is the subject's first common name, or "-" (OTPCertificate and
%% OTPTBSCertificate records: the subject is the TBS record's 7th element).
cn({'OTPCertificate', TBS, _, _}) ->
    case element(7, TBS) of
        {rdnSequence, RDNs} ->
            CNs = [V || RDN <- RDNs, {'AttributeTypeAndValue', {2, 5, 4, 3}, V} <- RDN],
            case CNs of
                [{_, S} | _] -> unicode:characters_to_list(S);
                [S | _] when is_list(S); is_binary(S) -> unicode:characters_to_list(S);
                _ -> "-"
            end;
        _ -> "-"
    end;
cn(_) ->
    "-".
