CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

CREATE TABLE "AuditEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditEntries" PRIMARY KEY AUTOINCREMENT,
    "At" INTEGER NOT NULL,
    "Action" TEXT NOT NULL,
    "ActorId" TEXT NOT NULL,
    "ActorName" TEXT NULL,
    "Subject" TEXT NOT NULL,
    "Details" TEXT NULL
);

CREATE TABLE "ChannelBindings" (
    "Role" TEXT NOT NULL,
    "ProductKey" TEXT NOT NULL,
    "ChannelId" TEXT NOT NULL,
    "ChannelName" TEXT NULL,
    "TeamId" TEXT NOT NULL,
    "TeamName" TEXT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "LinkedById" TEXT NOT NULL,
    "LinkedByName" TEXT NULL,
    "LinkedAt" INTEGER NOT NULL,
    "AnnouncementConversationId" TEXT NULL,
    "AnnouncementActivityId" TEXT NULL,
    CONSTRAINT "PK_ChannelBindings" PRIMARY KEY ("Role", "ProductKey")
);

CREATE TABLE "ConversationReferences" (
    "ConversationId" TEXT NOT NULL CONSTRAINT "PK_ConversationReferences" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "BotId" TEXT NULL,
    "TeamId" TEXT NULL,
    "TeamAadGroupId" TEXT NULL,
    "TeamName" TEXT NULL,
    "ChannelName" TEXT NULL,
    "ConversationName" TEXT NULL,
    "UserId" TEXT NULL,
    "UserAadObjectId" TEXT NULL,
    "IsActive" INTEGER NOT NULL,
    "FirstSeen" INTEGER NOT NULL,
    "LastSeen" INTEGER NOT NULL,
    "DeactivatedAt" INTEGER NULL,
    "WelcomedAt" INTEGER NULL
);

CREATE INDEX "IX_AuditEntries_At" ON "AuditEntries" ("At");

CREATE INDEX "IX_ChannelBindings_ChannelId" ON "ChannelBindings" ("ChannelId");

CREATE INDEX "IX_ConversationReferences_Kind_IsActive" ON "ConversationReferences" ("Kind", "IsActive");

CREATE INDEX "IX_ConversationReferences_TeamId" ON "ConversationReferences" ("TeamId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122231530_InitialCreate', '10.0.15');

CREATE TABLE "CardMessages" (
    "CardId" TEXT NOT NULL CONSTRAINT "PK_CardMessages" PRIMARY KEY,
    "ConversationId" TEXT NOT NULL,
    "ActivityId" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "OutboxMessageId" INTEGER NOT NULL,
    "PostedAt" INTEGER NOT NULL
);

CREATE TABLE "OutboxMessages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_OutboxMessages" PRIMARY KEY AUTOINCREMENT,
    "Key" TEXT NOT NULL,
    "Kind" INTEGER NOT NULL,
    "TenantId" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "ConversationKey" TEXT NOT NULL,
    "ConversationId" TEXT NULL,
    "ActivityId" TEXT NULL,
    "CardId" TEXT NULL,
    "CoalesceKey" TEXT NULL,
    "UserId" TEXT NULL,
    "Payload" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "InFlightSince" INTEGER NULL,
    "InterruptedSends" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "SentAt" INTEGER NULL,
    "ResultConversationId" TEXT NULL,
    "ResultActivityId" TEXT NULL
);

CREATE INDEX "IX_OutboxMessages_CardId" ON "OutboxMessages" ("CardId");

CREATE INDEX "IX_OutboxMessages_CoalesceKey" ON "OutboxMessages" ("CoalesceKey");

CREATE UNIQUE INDEX "IX_OutboxMessages_Key" ON "OutboxMessages" ("Key");

CREATE INDEX "IX_OutboxMessages_Status_NextAttemptAt" ON "OutboxMessages" ("Status", "NextAttemptAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123002326_AddOutbox', '10.0.15');

CREATE TABLE "ExpertAudit" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ExpertAudit" PRIMARY KEY AUTOINCREMENT,
    "At" INTEGER NOT NULL,
    "Action" TEXT NOT NULL,
    "QuestionId" INTEGER NULL,
    "EntryId" INTEGER NULL,
    "ActorAadObjectId" TEXT NOT NULL,
    "ActorUserId" TEXT NOT NULL,
    "ActorName" TEXT NOT NULL,
    "Before" TEXT NULL,
    "After" TEXT NULL,
    "Details" TEXT NULL
);

CREATE TABLE "ExpertPeople" (
    "UserId" TEXT NOT NULL CONSTRAINT "PK_ExpertPeople" PRIMARY KEY,
    "AadObjectId" TEXT NULL,
    "Upn" TEXT NULL,
    "Name" TEXT NOT NULL,
    "SeenAt" INTEGER NOT NULL
);

CREATE TABLE "ExpertQuestions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ExpertQuestions" PRIMARY KEY AUTOINCREMENT,
    "ProductKey" TEXT NOT NULL,
    "TopicId" TEXT NULL,
    "TopicTitle" TEXT NULL,
    "Text" TEXT NOT NULL,
    "Terms" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "AskedById" TEXT NOT NULL,
    "AskedByName" TEXT NOT NULL,
    "AskedAt" INTEGER NOT NULL,
    "SlaMinutes" INTEGER NOT NULL,
    "CrisisSla" INTEGER NOT NULL,
    "DueAt" INTEGER NOT NULL,
    "RoundStartedAt" INTEGER NOT NULL,
    "ChannelId" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "CurrentAnswerId" INTEGER NULL,
    "ApprovalStep" INTEGER NOT NULL,
    "ReviewRound" INTEGER NOT NULL,
    "ChangesRequested" TEXT NULL,
    "Decisions" TEXT NOT NULL,
    "SupersedeReason" TEXT NULL,
    "SupersedeById" TEXT NULL,
    "SupersedeByName" TEXT NULL,
    "RemindersSent" INTEGER NOT NULL,
    "FirstAnsweredAt" INTEGER NULL,
    "ApprovedAt" INTEGER NULL,
    "DeliveredAt" INTEGER NULL,
    "Revision" INTEGER NOT NULL
);

CREATE TABLE "ExpertAnswers" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ExpertAnswers" PRIMARY KEY AUTOINCREMENT,
    "QuestionId" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    "Facts" TEXT NOT NULL,
    "CustomerReply" TEXT NOT NULL,
    "ShortReply" TEXT NOT NULL,
    "AddToFaq" INTEGER NOT NULL,
    "InternalNote" TEXT NULL,
    "AuthorId" TEXT NOT NULL,
    "AuthorName" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "EditedByApprover" INTEGER NOT NULL,
    CONSTRAINT "FK_ExpertAnswers_ExpertQuestions_QuestionId" FOREIGN KEY ("QuestionId") REFERENCES "ExpertQuestions" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ExpertQuestionWaiters" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ExpertQuestionWaiters" PRIMARY KEY AUTOINCREMENT,
    "QuestionId" INTEGER NOT NULL,
    "UserId" TEXT NOT NULL,
    "AadObjectId" TEXT NULL,
    "Name" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "JoinedAt" INTEGER NOT NULL,
    "AckOutboxId" INTEGER NULL,
    "DeliveredAt" INTEGER NULL,
    CONSTRAINT "FK_ExpertQuestionWaiters_ExpertQuestions_QuestionId" FOREIGN KEY ("QuestionId") REFERENCES "ExpertQuestions" ("Id") ON DELETE CASCADE
);

CREATE TABLE "LibraryEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LibraryEntries" PRIMARY KEY AUTOINCREMENT,
    "QuestionId" INTEGER NOT NULL,
    "AnswerId" INTEGER NOT NULL,
    "ProductKey" TEXT NOT NULL,
    "ProductName" TEXT NOT NULL,
    "Question" TEXT NOT NULL,
    "CustomerReply" TEXT NOT NULL,
    "ShortReply" TEXT NOT NULL,
    "AddToFaq" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "ApprovedBy" TEXT NOT NULL,
    "ApprovedAt" INTEGER NOT NULL,
    "ReviewBy" INTEGER NOT NULL,
    "ReviewedAt" INTEGER NULL,
    "SupersededById" INTEGER NULL,
    "RetiredReason" TEXT NULL,
    "UsedCount" INTEGER NOT NULL,
    "Revision" INTEGER NOT NULL,
    CONSTRAINT "FK_LibraryEntries_ExpertQuestions_QuestionId" FOREIGN KEY ("QuestionId") REFERENCES "ExpertQuestions" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "LibraryRecipients" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LibraryRecipients" PRIMARY KEY AUTOINCREMENT,
    "EntryId" INTEGER NOT NULL,
    "UserId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "ReceivedAt" INTEGER NULL,
    "UsedCount" INTEGER NOT NULL,
    "LastUsedAt" INTEGER NULL,
    CONSTRAINT "FK_LibraryRecipients_LibraryEntries_EntryId" FOREIGN KEY ("EntryId") REFERENCES "LibraryEntries" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_ExpertAnswers_QuestionId_Version" ON "ExpertAnswers" ("QuestionId", "Version");

CREATE INDEX "IX_ExpertAudit_EntryId" ON "ExpertAudit" ("EntryId");

CREATE INDEX "IX_ExpertAudit_QuestionId" ON "ExpertAudit" ("QuestionId");

CREATE INDEX "IX_ExpertPeople_AadObjectId" ON "ExpertPeople" ("AadObjectId");

CREATE INDEX "IX_ExpertPeople_Upn" ON "ExpertPeople" ("Upn");

CREATE INDEX "IX_ExpertQuestions_Status_ProductKey" ON "ExpertQuestions" ("Status", "ProductKey");

CREATE INDEX "IX_ExpertQuestions_TopicId" ON "ExpertQuestions" ("TopicId");

CREATE UNIQUE INDEX "IX_ExpertQuestionWaiters_QuestionId_UserId" ON "ExpertQuestionWaiters" ("QuestionId", "UserId");

CREATE INDEX "IX_LibraryEntries_QuestionId" ON "LibraryEntries" ("QuestionId");

CREATE INDEX "IX_LibraryEntries_Status_ProductKey" ON "LibraryEntries" ("Status", "ProductKey");

CREATE UNIQUE INDEX "IX_LibraryRecipients_EntryId_UserId" ON "LibraryRecipients" ("EntryId", "UserId");

CREATE VIRTUAL TABLE "LibraryEntriesFts" USING fts5(
    "Question", "CustomerReply", "ShortReply", "ProductName",
    content='LibraryEntries', content_rowid='Id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER "LibraryEntries_fts_insert" AFTER INSERT ON "LibraryEntries" BEGIN
    INSERT INTO "LibraryEntriesFts"(rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
    VALUES (new."Id", new."Question", new."CustomerReply", new."ShortReply", new."ProductName");
END;
CREATE TRIGGER "LibraryEntries_fts_delete" AFTER DELETE ON "LibraryEntries" BEGIN
    INSERT INTO "LibraryEntriesFts"("LibraryEntriesFts", rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
    VALUES ('delete', old."Id", old."Question", old."CustomerReply", old."ShortReply", old."ProductName");
END;
CREATE TRIGGER "LibraryEntries_fts_update" AFTER UPDATE OF "Question", "CustomerReply", "ShortReply", "ProductName" ON "LibraryEntries" BEGIN
    INSERT INTO "LibraryEntriesFts"("LibraryEntriesFts", rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
    VALUES ('delete', old."Id", old."Question", old."CustomerReply", old."ShortReply", old."ProductName");
    INSERT INTO "LibraryEntriesFts"(rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
    VALUES (new."Id", new."Question", new."CustomerReply", new."ShortReply", new."ProductName");
END;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123020548_AddExpert', '10.0.15');

ALTER TABLE "OutboxMessages" ADD "Partition" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "DeliveryInstances" (
    "InstanceId" TEXT NOT NULL CONSTRAINT "PK_DeliveryInstances" PRIMARY KEY,
    "StartedAt" INTEGER NOT NULL,
    "HeartbeatAt" INTEGER NOT NULL
);

CREATE TABLE "DeliveryPartitions" (
    "Partition" INTEGER NOT NULL CONSTRAINT "PK_DeliveryPartitions" PRIMARY KEY,
    "Owner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "ReleasedBy" TEXT NULL,
    "UsableFrom" INTEGER NOT NULL
);

CREATE TABLE "RecurringJobs" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_RecurringJobs" PRIMARY KEY,
    "LastOccurrence" INTEGER NOT NULL,
    "RunningOccurrence" INTEGER NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "Attempts" INTEGER NOT NULL,
    "RetryAt" INTEGER NULL,
    "LastError" TEXT NULL,
    "LastCompletedAt" INTEGER NULL
);

CREATE TABLE "ScheduledTimers" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ScheduledTimers" PRIMARY KEY AUTOINCREMENT,
    "Kind" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "DueAt" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "Payload" TEXT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "Version" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE UNIQUE INDEX "IX_ScheduledTimers_Kind_Key" ON "ScheduledTimers" ("Kind", "Key");

CREATE INDEX "IX_ScheduledTimers_NextAttemptAt" ON "ScheduledTimers" ("NextAttemptAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123025257_AddDurable', '10.0.15');

CREATE TABLE "Crises" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Crises" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "ProductKeys" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "ActiveSlot" INTEGER NULL,
    "DeclaredAt" INTEGER NOT NULL,
    "DeclaredById" TEXT NOT NULL,
    "DeclaredByName" TEXT NULL,
    "ProposalId" INTEGER NULL,
    "ChannelId" TEXT NOT NULL,
    "ChannelName" TEXT NULL,
    "TeamId" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "ChannelOrigin" TEXT NOT NULL,
    "WarRoomUrl" TEXT NULL,
    "UpdateCadenceHours" INTEGER NOT NULL,
    "StatusRequests" INTEGER NOT NULL,
    "NextStatusRequestAt" INTEGER NULL,
    "StoodDownAt" INTEGER NULL,
    "StoodDownById" TEXT NULL,
    "StoodDownByName" TEXT NULL,
    "StandDownReason" TEXT NULL,
    "Lessons" TEXT NULL
);

CREATE TABLE "CrisisProposals" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CrisisProposals" PRIMARY KEY AUTOINCREMENT,
    "TopicId" TEXT NOT NULL,
    "TopicTitle" TEXT NOT NULL,
    "Product" TEXT NULL,
    "ProposedById" TEXT NOT NULL,
    "ProposedByName" TEXT NULL,
    "ProposedAt" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "DecidedById" TEXT NULL,
    "DecidedByName" TEXT NULL,
    "DecidedAt" INTEGER NULL,
    "CrisisId" INTEGER NULL
);

CREATE TABLE "CrisisDecisions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CrisisDecisions" PRIMARY KEY AUTOINCREMENT,
    "CrisisId" INTEGER NULL,
    "Text" TEXT NOT NULL,
    "RaisedById" TEXT NOT NULL,
    "RaisedByName" TEXT NULL,
    "RaisedAt" INTEGER NOT NULL,
    "ResolvedAt" INTEGER NULL,
    "ResolvedById" TEXT NULL,
    "ResolvedByName" TEXT NULL,
    CONSTRAINT "FK_CrisisDecisions_Crises_CrisisId" FOREIGN KEY ("CrisisId") REFERENCES "Crises" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "CrisisRoles" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CrisisRoles" PRIMARY KEY AUTOINCREMENT,
    "CrisisId" INTEGER NOT NULL,
    "Role" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "TeamsUserId" TEXT NULL,
    "Name" TEXT NULL,
    "AssignedAt" INTEGER NOT NULL,
    "AssignedById" TEXT NOT NULL,
    "RemovedAt" INTEGER NULL,
    CONSTRAINT "FK_CrisisRoles_Crises_CrisisId" FOREIGN KEY ("CrisisId") REFERENCES "Crises" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "CrisisStatusUpdates" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CrisisStatusUpdates" PRIMARY KEY AUTOINCREMENT,
    "CrisisId" INTEGER NOT NULL,
    "Request" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "AuthorId" TEXT NOT NULL,
    "AuthorName" TEXT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_CrisisStatusUpdates_Crises_CrisisId" FOREIGN KEY ("CrisisId") REFERENCES "Crises" ("Id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_Crises_ActiveSlot" ON "Crises" ("ActiveSlot");

CREATE INDEX "IX_CrisisDecisions_CrisisId_ResolvedAt" ON "CrisisDecisions" ("CrisisId", "ResolvedAt");

CREATE INDEX "IX_CrisisProposals_TopicId_Status" ON "CrisisProposals" ("TopicId", "Status");

CREATE INDEX "IX_CrisisRoles_CrisisId" ON "CrisisRoles" ("CrisisId");

CREATE INDEX "IX_CrisisStatusUpdates_CrisisId" ON "CrisisStatusUpdates" ("CrisisId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123033238_AddCrisis', '10.0.15');

CREATE TABLE "HotTopicAlarms" (
    "Seq" INTEGER NOT NULL CONSTRAINT "PK_HotTopicAlarms" PRIMARY KEY AUTOINCREMENT,
    "TopicId" INTEGER NULL,
    "Product" TEXT NOT NULL,
    "Scope" INTEGER NOT NULL,
    "AtMs" INTEGER NOT NULL,
    "Severity" INTEGER NOT NULL,
    "Transition" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL,
    "Expected" REAL NOT NULL,
    "PValue" REAL NOT NULL
);

CREATE TABLE "HotTopicPosts" (
    "Seq" INTEGER NOT NULL CONSTRAINT "PK_HotTopicPosts" PRIMARY KEY AUTOINCREMENT,
    "Source" TEXT NOT NULL,
    "PostId" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "AuthorHandle" TEXT NULL,
    "AuthorName" TEXT NULL,
    "CreatedAtMs" INTEGER NOT NULL,
    "Reach" INTEGER NOT NULL,
    "Url" TEXT NULL,
    "Product" TEXT NOT NULL,
    "TopicId" INTEGER NULL,
    "Abusive" INTEGER NOT NULL
);

CREATE TABLE "HotTopics" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_HotTopics" PRIMARY KEY,
    "Title" TEXT NOT NULL,
    "Product" TEXT NOT NULL,
    "State" INTEGER NOT NULL,
    "Severity" INTEGER NOT NULL,
    "Posts" INTEGER NOT NULL,
    "AbusivePosts" INTEGER NOT NULL,
    "Reach" INTEGER NOT NULL,
    "FirstSeenMs" INTEGER NOT NULL,
    "LastSeenMs" INTEGER NOT NULL,
    "BaselinePerHour" REAL NOT NULL,
    "RecentPerHour" REAL NOT NULL,
    "MergedInto" INTEGER NULL
);

CREATE INDEX "IX_HotTopicAlarms_TopicId_Seq" ON "HotTopicAlarms" ("TopicId", "Seq");

CREATE UNIQUE INDEX "IX_HotTopicPosts_Source_PostId" ON "HotTopicPosts" ("Source", "PostId");

CREATE INDEX "IX_HotTopicPosts_TopicId_Seq" ON "HotTopicPosts" ("TopicId", "Seq");

CREATE INDEX "IX_HotTopics_Product_State" ON "HotTopics" ("Product", "State");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123033516_AddIntake', '10.0.15');

CREATE TABLE "TopicCardPosts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_TopicCardPosts" PRIMARY KEY AUTOINCREMENT,
    "TopicId" INTEGER NOT NULL,
    "Spike" INTEGER NOT NULL,
    "Role" TEXT NOT NULL,
    "CardId" TEXT NOT NULL,
    "ChannelId" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "PostedAt" INTEGER NOT NULL
);

CREATE TABLE "TopicCards" (
    "TopicId" INTEGER NOT NULL CONSTRAINT "PK_TopicCards" PRIMARY KEY,
    "ProductKey" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Severity" TEXT NOT NULL,
    "Spike" INTEGER NOT NULL,
    "ContentJson" TEXT NOT NULL,
    "RenderVersion" INTEGER NOT NULL,
    "SentVersion" INTEGER NOT NULL,
    "LastSentAt" INTEGER NULL,
    "PostedAt" INTEGER NULL,
    "HotSince" INTEGER NOT NULL,
    "MutedUntil" INTEGER NULL,
    "MutedById" TEXT NULL,
    "MutedByName" TEXT NULL,
    "MutedAtSeverity" TEXT NOT NULL,
    "ResolvedAt" INTEGER NULL,
    "ResolvedById" TEXT NULL,
    "ResolvedByName" TEXT NULL,
    "MergedIntoTopicId" INTEGER NULL,
    "MergedIntoTitle" TEXT NULL,
    "IsFinal" INTEGER NOT NULL,
    "UnboundNoticeAt" INTEGER NULL
);

CREATE UNIQUE INDEX "IX_TopicCardPosts_CardId" ON "TopicCardPosts" ("CardId");

CREATE INDEX "IX_TopicCardPosts_TopicId_Spike" ON "TopicCardPosts" ("TopicId", "Spike");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123033617_AddTopicCards', '10.0.15');

CREATE TABLE "FaqVersions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_FaqVersions" PRIMARY KEY AUTOINCREMENT,
    "Number" INTEGER NOT NULL,
    "PublishedAt" INTEGER NOT NULL,
    "Trigger" TEXT NOT NULL,
    "TriggeredBy" TEXT NOT NULL,
    "EntryCount" INTEGER NOT NULL,
    "ContentHash" TEXT NOT NULL
);

CREATE TABLE "FaqEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_FaqEntries" PRIMARY KEY AUTOINCREMENT,
    "VersionId" INTEGER NOT NULL,
    "Position" INTEGER NOT NULL,
    "ProductKey" TEXT NOT NULL,
    "ProductName" TEXT NOT NULL,
    "QuestionId" INTEGER NOT NULL,
    "Question" TEXT NOT NULL,
    "CustomerReply" TEXT NOT NULL,
    "ShortReply" TEXT NOT NULL,
    "LibraryEntryId" INTEGER NOT NULL,
    "LibraryVersion" INTEGER NOT NULL,
    "ApprovedAt" INTEGER NOT NULL,
    "ReviewedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_FaqEntries_FaqVersions_VersionId" FOREIGN KEY ("VersionId") REFERENCES "FaqVersions" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_FaqEntries_VersionId_Position" ON "FaqEntries" ("VersionId", "Position");

CREATE UNIQUE INDEX "IX_FaqVersions_Number" ON "FaqVersions" ("Number");

CREATE INDEX "IX_FaqVersions_PublishedAt" ON "FaqVersions" ("PublishedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123050758_AddFaq', '10.0.15');

CREATE TABLE "CareCursor" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CareCursor" PRIMARY KEY,
    "LastSeq" INTEGER NOT NULL
);

CREATE TABLE "CareEngagements" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CareEngagements" PRIMARY KEY AUTOINCREMENT,
    "AgentId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "TopicId" INTEGER NOT NULL,
    "ProductKey" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "QuestionId" INTEGER NULL,
    "EntryId" INTEGER NULL,
    "CrisisId" INTEGER NULL,
    "At" INTEGER NOT NULL
);

CREATE TABLE "CareExposures" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CareExposures" PRIMARY KEY AUTOINCREMENT,
    "AgentId" TEXT NOT NULL,
    "PostSeq" INTEGER NOT NULL,
    "TopicId" INTEGER NOT NULL,
    "CrisisId" INTEGER NULL,
    "At" INTEGER NOT NULL
);

CREATE TABLE "CarePrompts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CarePrompts" PRIMARY KEY AUTOINCREMENT,
    "Key" TEXT NOT NULL,
    "AgentId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "CrisisId" INTEGER NULL,
    "SentAt" INTEGER NOT NULL,
    "Exposures" INTEGER NOT NULL,
    "Answer" TEXT NOT NULL,
    "AnsweredAt" INTEGER NULL,
    "BreakMinutes" INTEGER NULL
);

CREATE INDEX "IX_CareEngagements_AgentId_At" ON "CareEngagements" ("AgentId", "At");

CREATE INDEX "IX_CareEngagements_At" ON "CareEngagements" ("At");

CREATE INDEX "IX_CareExposures_AgentId_At" ON "CareExposures" ("AgentId", "At");

CREATE INDEX "IX_CareExposures_At" ON "CareExposures" ("At");

CREATE INDEX "IX_CareExposures_PostSeq" ON "CareExposures" ("PostSeq");

CREATE INDEX "IX_CarePrompts_AgentId_SentAt" ON "CarePrompts" ("AgentId", "SentAt");

CREATE UNIQUE INDEX "IX_CarePrompts_Key" ON "CarePrompts" ("Key");

CREATE INDEX "IX_CarePrompts_SentAt" ON "CarePrompts" ("SentAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123062515_AddCare', '10.0.15');

CREATE TABLE "Summaries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Summaries" PRIMARY KEY,
    "Period" TEXT NOT NULL,
    "PeriodStart" INTEGER NOT NULL,
    "PeriodEnd" INTEGER NOT NULL,
    "GeneratedAt" INTEGER NOT NULL,
    "Trigger" TEXT NOT NULL,
    "RequestedById" TEXT NULL,
    "RequestedByName" TEXT NULL,
    "InputJson" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "IsChannelPost" INTEGER NOT NULL,
    "MailNote" TEXT NULL,
    "MailedAt" INTEGER NULL
);

CREATE TABLE "SummaryKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SummaryKeys" PRIMARY KEY,
    "Key" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "SummaryAcknowledgements" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SummaryAcknowledgements" PRIMARY KEY AUTOINCREMENT,
    "SummaryId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_SummaryAcknowledgements_Summaries_SummaryId" FOREIGN KEY ("SummaryId") REFERENCES "Summaries" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Summaries_GeneratedAt" ON "Summaries" ("GeneratedAt");

CREATE UNIQUE INDEX "IX_SummaryAcknowledgements_SummaryId_UserId" ON "SummaryAcknowledgements" ("SummaryId", "UserId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123062706_AddSummary', '10.0.15');

CREATE TABLE "InboundTurns" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_InboundTurns" PRIMARY KEY AUTOINCREMENT,
    "Key" TEXT NOT NULL,
    "ActivityId" TEXT NULL,
    "ConversationId" TEXT NULL,
    "Type" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "LastError" TEXT NULL,
    "ReceivedAt" INTEGER NOT NULL,
    "CompletedAt" INTEGER NULL
);

CREATE UNIQUE INDEX "IX_InboundTurns_Key" ON "InboundTurns" ("Key");

CREATE INDEX "IX_InboundTurns_LeaseOwner" ON "InboundTurns" ("LeaseOwner");

CREATE INDEX "IX_InboundTurns_Status_NextAttemptAt" ON "InboundTurns" ("Status", "NextAttemptAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123080124_AddInbound', '10.0.15');

ALTER TABLE "TopicCards" ADD "ExpertPending" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "TopicCards" ADD "MutedContentJson" TEXT NULL;

ALTER TABLE "Crises" ADD "PostSeqAtDeclare" INTEGER NULL;

ALTER TABLE "Crises" ADD "PostSeqAtStandDown" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123115208_AddGaps', '10.0.15');

CREATE INDEX "IX_HotTopics_MergedInto" ON "HotTopics" ("MergedInto") WHERE "MergedInto" IS NOT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123153410_AddTopicMergeIndex', '10.0.15');

