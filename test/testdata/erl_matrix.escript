#!/usr/bin/env escript
%% erl_matrix.escript: the Erlang/OTP ssl peer of the interop matrix
%% (test/interop_matrix_test.go): one connection per run, any version, any
%% suite OTP has, PSK and SRP through user_lookup_fun. Suites are given by
%% their 16-bit code point in hex (OTP's OpenSSL names differ from ours for
%% a few suites).
%%
%%   list
%%       prints "Version Hex Hex ..." for tlsv1, tlsv1.1 and tlsv1.2: the
%%       suites of ssl:cipher_suites(all, V) and ssl:cipher_suites(anonymous, V).
%%   server Version Hex CertFile|- KeyFile|-
%%       listens on 127.0.0.1, port 0; prints "listening Port"; accepts one
%%       connection, prints "accepted Protocol Hex" (or "fail Reason") and
%%       echoes until the peer closes.
%%   client Port Version Hex CaFile|- PayloadFile
%%       connects, sends the payload while receiving its echo, and prints
%%       "ok Protocol Hex Sha256" or "fail Reason".
%% Credentials: PSK identity "Client_identity" (server hint "hint") with key
%% 0102…10; SRP user "alice"/"password123" with salt "0123456789abcdef" in
%% the 2048-bit group, the verifier derived as the ssl manual says.
-mode(compile).

-define(PSK_ID, "Client_identity").
-define(PSK_KEY, <<1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16>>).
-define(SRP_USER, "alice").
-define(SRP_PASS, "password123").
-define(SRP_SALT, <<"0123456789abcdef">>).

main(["list"]) ->
    ok = start(),
    lists:foreach(
      fun(V) ->
              Ids = [hex(S) || S <- suites(V)],
              say("~s ~s", [V, string:join(lists:usort(Ids), " ")])
      end, ['tlsv1', 'tlsv1.1', 'tlsv1.2']),
    halt(0);
main(["server", V, Hex, Cert, Key]) ->
    ok = start(),
    Version = list_to_atom(V),
    Opts = [binary, {active, false}, {ip, {127, 0, 0, 1}}, {reuseaddr, true},
            {versions, [Version]}, {ciphers, [suite(Version, Hex)]},
            {psk_identity, "hint"}, {user_lookup_fun, {fun lookup/3, []}}]
        ++ [{certfile, Cert} || Cert =/= "-"] ++ [{keyfile, Key} || Key =/= "-"],
    {ok, L} = ssl:listen(0, Opts),
    {ok, {_, Port}} = ssl:sockname(L),
    say("listening ~w", [Port]),
    {ok, T} = ssl:transport_accept(L, 30000),
    case ssl:handshake(T, 20000) of
        {ok, S} ->
            {ok, Info} = ssl:connection_information(S, [protocol, selected_cipher_suite]),
            say("accepted ~s ~s", [proplists:get_value(protocol, Info),
                                   hex(proplists:get_value(selected_cipher_suite, Info))]),
            echo(S);
        {error, R} ->
            say("fail ~0p", [R])
    end,
    halt(0);
main(["client", PortS, V, Hex, Ca, PayloadFile]) ->
    ok = start(),
    Version = list_to_atom(V),
    {ok, Data} = file:read_file(PayloadFile),
    Opts = [binary, {active, false}, {versions, [Version]}, {ciphers, [suite(Version, Hex)]},
            {psk_identity, ?PSK_ID}, {user_lookup_fun, {fun lookup/3, []}},
            {srp_identity, {?SRP_USER, ?SRP_PASS}}]
        ++ case Ca of
               "-" -> [{verify, verify_none}];
               _ -> [{verify, verify_peer}, {cacertfile, Ca}, {server_name_indication, "localhost"}]
           end,
    case ssl:connect({127, 0, 0, 1}, list_to_integer(PortS), Opts, 20000) of
        {ok, S} ->
            {ok, Info} = ssl:connection_information(S, [protocol, selected_cipher_suite]),
            Self = self(),
            spawn_link(fun() -> Self ! {sent, ssl:send(S, Data)} end),
            Got = recv_n(S, byte_size(Data), []),
            receive {sent, SendRes} -> ok end,
            ssl:close(S),
            case {SendRes, Got} of
                {ok, {ok, Bin}} ->
                    say("ok ~s ~s ~s", [proplists:get_value(protocol, Info),
                                        hex(proplists:get_value(selected_cipher_suite, Info)),
                                        binary:encode_hex(crypto:hash(sha256, Bin))]);
                Other ->
                    say("fail ~0p", [Other])
            end;
        {error, R} ->
            say("fail ~0p", [R])
    end,
    halt(0);
main(Args) ->
    io:format(standard_error, "bad arguments: ~p~n", [Args]),
    halt(2).

start() ->
    {ok, _} = application:ensure_all_started(ssl),
    ok.

say(Fmt, Args) -> io:format(Fmt ++ "~n", Args).

suites(V) ->
    ssl:cipher_suites(all, V) ++ ssl:cipher_suites(anonymous, V).

hex(Suite) ->
    <<Id:16>> = ssl_cipher_format:suite_map_to_bin(Suite),
    lists:flatten(io_lib:format("~4.16.0b", [Id])).

suite(V, Hex) ->
    case [S || S <- suites(V), hex(S) =:= string:lowercase(Hex)] of
        [S | _] -> S;
        [] -> say("fail no_such_suite", []), halt(0)
    end.

%% user_lookup_fun: the PSK for any identity or hint, SRP for alice.
lookup(psk, _IdOrHint, _) ->
    {ok, ?PSK_KEY};
lookup(srp, User, _) ->
    %% The user name arrives as a binary (the srp extension's srp_I).
    case iolist_to_binary(User) of
        <<?SRP_USER>> ->
            Derived = crypto:hash(sha, [?SRP_SALT, crypto:hash(sha, [?SRP_USER, <<$:>>, ?SRP_PASS])]),
            {ok, {srp_2048, ?SRP_SALT, Derived}};
        _ ->
            error
    end;
lookup(_, _, _) ->
    error.

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

recv_n(_S, 0, Acc) ->
    {ok, iolist_to_binary(lists:reverse(Acc))};
recv_n(S, N, Acc) ->
    case ssl:recv(S, 0, 60000) of
        {ok, D} when byte_size(D) =< N -> recv_n(S, N - byte_size(D), [D | Acc]);
        {ok, D} -> {error, {too_much, byte_size(D), N}};
        Err -> Err
    end.
