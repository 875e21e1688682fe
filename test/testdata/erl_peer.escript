#!/usr/bin/env escript
%% erl_peer.escript: the Erlang/OTP ssl peer of the interop tests.
%%
%%   server EcCert EcKey RsaCert RsaKey CaFile none|peer Suites
%%       listens on 127.0.0.1, port 0; prints "listening Port"; for every
%%       connection prints "accepted Protocol Suite" (or "handshake_failed
%%       Reason") and echoes until the peer closes.
%%   client CaFile CertFile|- KeyFile|- PayloadFile Port/Suite...
%%       for every job: connects to localhost:Port offering only Suite,
%%       sends the payload while receiving its echo, and prints
%%       "ok Suite Protocol Suite' Sha256" or "fail Suite Reason".
%% Suites are OpenSSL names separated by ':'; TLS 1.2 only.
-mode(compile).

main(["server", EcCert, EcKey, RsaCert, RsaKey, Ca, Verify, Suites]) ->
    ok = start(),
    Opts = [binary, {active, false}, {ip, {127, 0, 0, 1}}, {reuseaddr, true},
            {versions, ['tlsv1.2']}, {ciphers, Suites},
            {certs_keys, [#{certfile => EcCert, keyfile => EcKey},
                          #{certfile => RsaCert, keyfile => RsaKey}]},
            {cacertfile, Ca} | verify_opts(Verify)],
    {ok, L} = ssl:listen(0, Opts),
    {ok, {_, Port}} = ssl:sockname(L),
    say("listening ~w", [Port]),
    accept_loop(L);
main(["client", Ca, Cert, Key, PayloadFile | Jobs]) ->
    ok = start(),
    {ok, Data} = file:read_file(PayloadFile),
    lists:foreach(fun(J) -> client_job(J, Ca, Cert, Key, Data) end, Jobs),
    say("done", []),
    halt(0);
main(Args) ->
    io:format(standard_error, "bad arguments: ~p~n", [Args]),
    halt(2).

start() ->
    {ok, _} = application:ensure_all_started(ssl),
    ok.

say(Fmt, Args) -> io:format(Fmt ++ "~n", Args).

verify_opts("peer") -> [{verify, verify_peer}, {fail_if_no_peer_cert, true}];
verify_opts("none") -> [{verify, verify_none}].

accept_loop(L) ->
    {ok, T} = ssl:transport_accept(L),
    Pid = spawn(fun() -> receive go -> serve(T) end end),
    ok = ssl:controlling_process(T, Pid),
    Pid ! go,
    accept_loop(L).

serve(T) ->
    case ssl:handshake(T, 20000) of
        {ok, S} ->
            {ok, Info} = ssl:connection_information(S, [protocol, selected_cipher_suite]),
            say("accepted ~s ~s", [proplists:get_value(protocol, Info),
                                   ssl:suite_to_openssl_str(proplists:get_value(selected_cipher_suite, Info))]),
            echo(S);
        {error, R} ->
            say("handshake_failed ~0p", [R])
    end.

echo(S) ->
    case ssl:recv(S, 0, 60000) of
        {ok, D} ->
            ok = ssl:send(S, D),
            echo(S);
        {error, closed} ->
            ssl:close(S);
        {error, R} ->
            say("recv_failed ~0p", [R]),
            ssl:close(S)
    end.

client_job(Job, Ca, Cert, Key, Data) ->
    [PortS, Suite] = string:split(Job, "/"),
    Opts = [binary, {active, false}, {versions, ['tlsv1.2']}, {ciphers, [Suite]},
            {verify, verify_peer}, {cacertfile, Ca}, {server_name_indication, "localhost"}]
        ++ [{certfile, Cert} || Cert =/= "-"] ++ [{keyfile, Key} || Key =/= "-"],
    case ssl:connect("localhost", list_to_integer(PortS), Opts, 20000) of
        {ok, S} ->
            {ok, Info} = ssl:connection_information(S, [protocol, selected_cipher_suite]),
            Self = self(),
            spawn_link(fun() -> Self ! {sent, ssl:send(S, Data)} end),
            Got = recv_n(S, byte_size(Data), []),
            receive {sent, SendRes} -> ok end,
            ssl:close(S),
            case {SendRes, Got} of
                {ok, {ok, Bin}} ->
                    say("ok ~s ~s ~s ~s", [Suite, proplists:get_value(protocol, Info),
                                          ssl:suite_to_openssl_str(proplists:get_value(selected_cipher_suite, Info)),
                                          binary:encode_hex(crypto:hash(sha256, Bin))]);
                Other ->
                    say("fail ~s ~0p", [Suite, Other])
            end;
        {error, R} ->
            say("fail ~s ~0p", [Suite, R])
    end.

recv_n(_S, 0, Acc) ->
    {ok, iolist_to_binary(lists:reverse(Acc))};
recv_n(S, N, Acc) ->
    case ssl:recv(S, 0, 60000) of
        {ok, D} when byte_size(D) =< N -> recv_n(S, N - byte_size(D), [D | Acc]);
        {ok, D} -> {error, {too_much, byte_size(D), N}};
        Err -> Err
    end.
