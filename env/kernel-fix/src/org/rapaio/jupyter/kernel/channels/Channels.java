/*
 * SpikeKit replacement for org.rapaio.jupyter.kernel.channels.Channels of rapaio-jupyter-kernel 3.0.1
 * (https://github.com/padreati/rapaio-jupyter-kernel, file
 * rapaio-jupyter-kernel/src/org/rapaio/jupyter/kernel/channels/Channels.java, identical in 3.0.1-3.0.4).
 * It keeps that class's name, package and public API so that the jar's other classes link against
 * it unchanged; env/patch-kernel.sh compiles it against the jar (whose bundled JeroMQ is relocated to
 * org.rapaio.org.zeromq) and puts it into the patched copy the spikekit kernelspec runs.
 *
 * Derived from rapaio-jupyter-kernel, MIT License, Copyright 2023-2026 Aurelian Tutuianu;
 * the licence text is in env/kernel-fix/LICENSE. Changes by the SpikeKit authors, same licence.
 *
 * What differs from 3.0.1 (see env/rapaio-jupyter-kernel-startup-race.patch): connect() gives the
 * kernel its channels and fills the handler map BEFORE binding the sockets. 3.0.1 binds first, and
 * binding the shell and control channels starts their loop threads, so a kernel_info_request that
 * arrives in between meets handlers == null: the NullPointerException ended the shell thread (see
 * LoopThread). Also: iopub (and stdin) are bound and "starting" is published before the channels
 * that answer requests are bound, and the flags read by several threads are volatile.
 */
package org.rapaio.jupyter.kernel.channels;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;

import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.message.ContentType;
import org.rapaio.jupyter.kernel.message.HMACDigest;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageId;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.ErrorReply;
import org.rapaio.jupyter.kernel.message.messages.IOPubStatus;
import org.rapaio.jupyter.kernel.message.messages.IOPubStream;
import org.rapaio.org.zeromq.ZMQ;

/** The five Jupyter sockets of one kernel, the request handlers, and the current parent message. */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class Channels {

    private final ConnectionProperties connProps;
    private final ZMQ.Context ctx;

    private final HeartbeatChannel heartbeat;
    private final ShellChannel shell;
    private final ControlChannel control;
    private final StdinChannel stdin;
    private final IOPubChannel iopub;
    /** Every channel, in the order connect() binds them: output channels first, request loops last. */
    private final List<AbstractChannel> all;

    private final Stack<Runnable> afterActions = new Stack<>();

    /** Written once by connect() before any loop thread exists; Thread.start() publishes it. */
    private volatile Map<MessageType<?>, MessageHandler> handlers = Map.of();
    private MessageId<?> msgId;

    private boolean connected = false;
    private volatile boolean shutdownRequested = false;

    public Channels(ConnectionProperties connProps) throws NoSuchAlgorithmException, InvalidKeyException {
        this.connProps = connProps;
        this.ctx = ZMQ.context(1);
        HMACDigest digest = connProps.createHMACDigest();
        this.heartbeat = new HeartbeatChannel(this, ctx, digest);
        this.shell = new ShellChannel(this, ctx, digest, this);
        this.control = new ControlChannel(this, ctx, digest);
        this.stdin = new StdinChannel(this, ctx, digest);
        this.iopub = new IOPubChannel(this, ctx, digest);
        this.all = List.of(iopub, stdin, heartbeat, control, shell);
    }

    public void connect(RapaioKernel kernel) {
        if (connected) {
            return;
        }
        // Everything a request handler needs exists before the first socket that takes requests is bound.
        kernel.registerChannels(this);
        Map<MessageType<?>, MessageHandler> h = new HashMap<>();
        h.put(MessageType.SHELL_KERNEL_INFO_REQUEST, kernel::handleKernelInfoRequest);
        h.put(MessageType.SHELL_EXECUTE_REQUEST, kernel::handleExecuteRequest);
        h.put(MessageType.SHELL_IS_COMPLETE_REQUEST, kernel::handleIsCompleteRequest);
        h.put(MessageType.SHELL_COMPLETE_REQUEST, kernel::handleCompleteRequest);
        h.put(MessageType.SHELL_INSPECT_REQUEST, kernel::handleInspectRequest);
        h.put(MessageType.SHELL_HISTORY_REQUEST, kernel::handleHistoryRequest);
        h.put(MessageType.SHELL_COMM_INFO_REQUEST, kernel::handleCommInfoRequest);
        h.put(MessageType.CONTROL_SHUTDOWN_REQUEST, kernel::handleShutdownRequest);
        h.put(MessageType.CONTROL_INTERRUPT_REQUEST, kernel::handleInterruptRequest);
        h.put(MessageType.CUSTOM_COMM_OPEN, kernel::handleCommOpenCommand);
        h.put(MessageType.CUSTOM_COMM_MSG, kernel::handleCommMsgCommand);
        h.put(MessageType.CUSTOM_COMM_CLOSE, kernel::handleCommCloseCommand);
        handlers = h;

        iopub.bind(connProps);
        stdin.bind(connProps);
        iopub.sendMessage(new Message<>(MessageType.IOPUB_STATUS, IOPubStatus.STARTING));
        heartbeat.bind(connProps);
        control.bind(connProps);
        shell.bind(connProps);
        connected = true;
    }

    public <T> MessageHandler<T> getHandler(MessageType<T> type) {
        return handlers.get(type);
    }

    public void close() {
        all.forEach(AbstractChannel::close);
        ctx.close();
    }

    public void joinUntilClose() {
        all.forEach(AbstractChannel::joinUntilClose);
    }

    public boolean hasMsgId() {
        return msgId != null;
    }

    public void setMsgId(MessageId<?> msgId) {
        this.msgId = msgId;
    }

    public void freeMsgId() {
        msgId = null;
    }

    public void markForShutdown() {
        shutdownRequested = true;
    }

    public boolean isMarkedForShutdown() {
        return shutdownRequested;
    }

    public void writeToStdOut(String text) {
        publish(new IOPubStream(IOPubStream.StreamName.OUT, text));
    }

    public void writeToStdErr(String text) {
        publish(new IOPubStream(IOPubStream.StreamName.ERR, text));
    }

    public String readFromStdIn() {
        return stdin.getInput(msgId, "", false);
    }

    public <T extends ContentType<T>> void publish(T content) {
        iopub.sendMessage(new Message<>(msgId, content.type(), content));
    }

    public <T extends ContentType<T>> void reply(T content) {
        shell.sendMessage(new Message<>(msgId, content.type(), content));
    }

    public void replyError(MessageType<?> type, ErrorReply error) {
        shell.sendMessage(new Message(msgId, type, error));
    }

    public void scheduleAfter(Runnable action) {
        afterActions.push(action);
    }

    public void runAfterActions() {
        while (!afterActions.isEmpty()) {
            afterActions.pop().run();
        }
    }

    public void busyThenIdle() {
        publish(IOPubStatus.BUSY);
        scheduleAfter(() -> publish(IOPubStatus.IDLE));
    }
}
