"""Exercises of notebook 09, Developer Tools (AWS CodePipeline).

Four questions: a source action that fails after the CodeStar Connections -> CodeConnections rename (9.1),
the identity policy of a cross-account deployment (action) role, graded by ``course.iam``, with
``iam:PassRole`` limited to one role and one service (9.2), who in the cross-account role chain needs which
permission (9.3), and the artifact-store and role-chain measures a cross-account pipeline needs (9.4).

Answer keys are salted hashes (``course.exercises.keys.make_key``), never plain values. Every option
carries an explanation; only the explanations of options a learner got wrong are ever shown.
"""

from __future__ import annotations

from course.exercises.kinds.choice import MultipleChoice, SingleChoice, order_per_learner
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register

# --- 9.1 CodeStar Connections -> CodeConnections -----------------------------------------------------

CONNECTION_PREFIX = order_per_learner(SingleChoice(
    id="9.1", title="Fix a source action after the connections rename", points=2, answer_name="answer_9_1",
    options={
        "A": "Add `codeconnections:UseConnection` on the new connection's ARN to the pipeline role's policy",
        "B": "Switch the source action to the GitHub version 1 action with a personal access token",
        "C": "Change the existing statement to `codestar-connections:*` on Resource `\"*\"`",
        "D": "Add the pipeline role's ARN as a collaborator on the GitHub repository",
        "E": "Add `codestar-connections:UseConnection` on the new connection's ARN to the pipeline role's policy",
    },
    explanations={
        "A": "The new connection's ARN uses the renamed service, and a policy must use the action prefix that "
             "matches the resource's ARN.",
        "B": "The version 1 GitHub action keeps a long-lived token in the pipeline configuration; AWS no "
             "longer recommends it, and the connection itself is not the problem here.",
        "C": "A wider statement under the old prefix still does not cover an ARN of the renamed service, and "
             "it grants every old-style connection in the account as well.",
        "D": "GitHub knows nothing about IAM roles; access to the repository comes from the app installed for "
             "the connection, and the failure here is an IAM denial in AWS.",
        "E": "The action's prefix names the service the request goes to: a codeconnections ARN is used through "
             "codeconnections actions, so a codestar-connections action never matches it, whatever the Resource.",
    },
    key="ab9fa0ac76b177b793b0d7c49ea75cd6736009f979fdd4cfd5da64aff782f58c",
))

# --- 9.2 The cross-account action role's identity policy (graded by course.iam) ------------------------

TOOLS = "111122223333"  # the pipeline account
PROD = "444455556666"  # the account the stack is deployed into
REGION = "eu-west-1"
ACTION_ROLE = f"arn:aws:iam::{PROD}:role/web-app-deployer"
ACTION_SESSION = f"arn:aws:sts::{PROD}:assumed-role/web-app-deployer/codepipeline-web-app"
DEPLOY_ROLE = f"arn:aws:iam::{PROD}:role/web-app-cfn-deploy"
ADMIN_ROLE = f"arn:aws:iam::{PROD}:role/prod-admin"
STACK = f"arn:aws:cloudformation:{REGION}:{PROD}:stack/web-app/5f1d2c80-1a2b-11f0-9c3d-0a1b2c3d4e5f"
OTHER_STACK = f"arn:aws:cloudformation:{REGION}:{PROD}:stack/network-baseline/0b9e7d10-1a2b-11f0-8e4f-0a1b2c3d4e5f"


def deployer(action: str, resource: str, **context: str) -> dict:
    """A request by the action role's session (CodePipeline acting in the production account)."""
    return {
        "principal": ACTION_SESSION,
        "principalAccount": PROD,
        "action": action,
        "resource": resource,
        "resourceAccount": PROD,
        "context": {"aws:PrincipalAccount": PROD, "aws:PrincipalArn": ACTION_ROLE,
                    "aws:PrincipalType": "AssumedRole", "aws:SecureTransport": "true",
                    "aws:RequestedRegion": REGION, **context},
    }


def pass_role(role: str, service: str) -> dict:
    return deployer("iam:PassRole", role, **{"iam:PassedToService": service})


DEPLOYER_POLICY = PolicyExercise(
    id="9.2", title="Write the identity policy of the cross-account deployment role", points=4,
    answer_name="answer_9_2", slot="identity",
    # IAM010: a service-wide action such as iam:* or cloudformation:*; IAM005: write actions on Resource "*".
    lint_forbidden=["IAM010", "IAM005"],
    cases=[
        PolicyCase("the deployer creates a change set for the web-app stack",
                   deployer("cloudformation:CreateChangeSet", STACK), True,
                   "The deployer must be able to create change sets on the web-app stack."),
        PolicyCase("the deployer executes the change set on the web-app stack",
                   deployer("cloudformation:ExecuteChangeSet", STACK), True,
                   "Creating a change set is not enough: the deploy action also executes it."),
        PolicyCase("the deployer reads the web-app stack's status",
                   deployer("cloudformation:DescribeStacks", STACK), True,
                   "CodePipeline follows the deployment by describing the stack."),
        PolicyCase("the deployer passes web-app-cfn-deploy to CloudFormation",
                   pass_role(DEPLOY_ROLE, "cloudformation.amazonaws.com"), True,
                   "Handing a role to a service is its own permission, separate from the CloudFormation "
                   "actions; the deployer needs it for the one deployment role."),
        PolicyCase("the deployer cannot pass prod-admin to CloudFormation",
                   pass_role(ADMIN_ROLE, "cloudformation.amazonaws.com"), False,
                   "If the deployer may pass any role, a change to the pipeline can deploy with an "
                   "administrator role: name the one role it may pass."),
        PolicyCase("the deployer cannot pass web-app-cfn-deploy to Lambda",
                   pass_role(DEPLOY_ROLE, "lambda.amazonaws.com"), False,
                   "The deployment role is meant for CloudFormation only; without a condition on the service "
                   "it is handed to, the deployer could give it to a function it controls."),
        PolicyCase("the deployer cannot change another stack (network-baseline)",
                   deployer("cloudformation:CreateChangeSet", OTHER_STACK), False,
                   "Scope the CloudFormation actions to the web-app stack, not every stack of the account."),
        PolicyCase("the deployer cannot create IAM roles itself",
                   deployer("iam:CreateRole", f"arn:aws:iam::{PROD}:role/anything"), False,
                   "The deployer only orchestrates; the resources, roles included, are created by "
                   "CloudFormation with the deployment role's permissions."),
    ],
)

# --- 9.3 Who needs which permission in the chain -------------------------------------------------------

_ACTORS = ("pipeline-admin", "pipeline-role", "action-role", "deploy-role")

# When each identity acts, shown for the identity a learner chose where it does not fit.
_ACTOR_EXPLANATIONS = {
    "pipeline-admin": "The engineer's permissions count only while the pipeline is created or edited; once it "
                      "runs, nothing acts as the engineer.",
    "pipeline-role": "The pipeline's service role acts in the tools account while the pipeline runs; what happens "
                     "inside the production account is done by identities there.",
    "action-role": "The action role is what the production action runs as, from the moment it is assumed; it "
                   "neither creates or edits the pipeline, nor is it the role CloudFormation creates resources "
                   "with.",
    "deploy-role": "The deployment role is used by CloudFormation alone, to work on the stack; it takes part in "
                   "nothing before CloudFormation has it.",
}

ROLE_CHAIN = MappingMatch(
    id="9.3", title="Place each permission in the role chain", points=3, answer_name="answer_9_3",
    explanations=_ACTOR_EXPLANATIONS,
    parts=[
        Part("pass_pipeline_role", "96675101fb03005a4b436e291ae81ab76c8503ef455d24bc8e3ac24a1d846203",
             "Reread the permission: at what moment is that role passed, and by whom?",
             "iam:PassRole on the pipeline's service role", _ACTORS),
        Part("assume_action_role", "9d88ca997985942fafae23ab622f1b182c5542a3499a5455a30c26e494e6859b",
             "Reread the permission: in which account does the call start, and as whom?",
             "sts:AssumeRole on the production account's action role", _ACTORS),
        Part("pass_deploy_role", "ec3b595b102ad9b6d0f446bed43dc1327d4afa2dfb12f1e4d45f032ba3608ad5",
             "Reread the permission: who calls CloudFormation, and in which account?",
             "iam:PassRole on the CloudFormation deployment role", _ACTORS),
        Part("create_resources", "c9b41b8174eaf6306124b774e260e094aa4b5fd1cc57722c9f4abeee1cca93e8",
             "Reread the permission: whose permissions does CloudFormation use to create resources?",
             "permissions to create the stack's resources (functions, tables, roles)", _ACTORS),
        Part("read_artifacts", "e2b2d3f779e573a1b1a2ea284d99d0ebdfe3501eee4ebcd29a9bc69af4552298",
             "Reread the permission: which identity fetches the artifacts when the production action runs?",
             "s3:GetObject on the artifact bucket and kms:Decrypt on its key", _ACTORS),
    ],
)

# --- 9.4 Artifact store for a cross-account pipeline ----------------------------------------------------

ARTIFACT_STORE = order_per_learner(MultipleChoice(
    id="9.4", title="Prepare the cross-account deployment", points=3,
    answer_name="answer_9_4",
    options={
        "A": "Encrypt the artifact bucket with a customer managed KMS key whose key policy lets the production "
             "account's action role use it (`kms:Decrypt`, `kms:DescribeKey`)",
        "B": "Keep the default AWS managed key `aws/s3` and add the production account to its key policy",
        "C": "Add a bucket policy that lets the production account's action role read the pipeline's "
             "artifacts",
        "D": "Refer to the key in the pipeline's artifact store by its alias, `alias/pipeline-artifacts`",
        "E": "Create the CloudFormation deployment role in the tools account, next to the artifacts, and pass "
             "it from there",
        "F": "Allow the pipeline's service role to call `sts:AssumeRole` on the production action role",
    },
    explanations={
        "A": "Artifacts are encrypted under the pipeline's key; the production role can read them only if the "
             "key policy lets it decrypt.",
        "B": "The key policy of an AWS managed key cannot be changed, so another account can never be allowed "
             "to use it.",
        "C": "A request from another account needs an Allow from the bucket owner as well as from its own "
             "account's policies.",
        "D": "An alias is known only in the account that made the key; the production account would look for "
             "that alias in its own account. Use the key ID or key ARN.",
        "E": "CloudFormation refuses a role from another account (cross-account pass role is not allowed); "
             "the deployment role must live in the account the stack deploys into.",
        "F": "The production action role is reached from the tools account, so the pipeline's role needs "
             "permission to assume it (and the action role's trust policy must name it).",
    },
    keys={
        "A": "d6b0739993189ecd3ae3544dbfc3e6a22d3a323f8153ae3da5172ebd20317cbf",
        "B": "5a160d065a4e29c1d31b2d9f16c781c04c7aa1286f85d8e1da180e5e5db808a7",
        "C": "683c9169e0bb2f32fdb1d095c99db33694ca634d6174c31fa81bb3699bd8bb4b",
        "D": "f347c234e81fc36ddb65997940523d99e7508f8d54992a8fc4856734a2eabfe6",
        "E": "c68a49d77310141b88bbc64fba6bd13a817319c15d5786d816f7adc4d9a82ba9",
        "F": "f524f12fbd12f04b16e5d8eb4ccb826437f065bdea7841a64044b4fd67fb9ff4",
    },
))

register(CONNECTION_PREFIX, DEPLOYER_POLICY, ROLE_CHAIN, ARTIFACT_STORE)
